using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Refs;

/// <summary>
/// Death watch across nodes. Outbound: a local actor watching a remote one is recorded here and a
/// RemoteWatch travels to the watchee's node (sequenced and acknowledged like user messages, so it
/// survives reconnects). Inbound: a peer's watch of a local actor is registered on that actor with
/// a remote ref as watcher, whose notification travels back. When an incarnation is quarantined
/// or removed (<see cref="NodeGone"/>) every watcher of its actors gets Terminated with
/// AddressTerminated, and its watches of local actors are dropped. Thread-safe.
/// </summary>
internal sealed class RemoteWatcher(Remoting remoting)
{
    private readonly object _gate = new();

    /// <summary>Local watchers of remote actors, by the watchee's path text as sent (with `#uid` when known).</summary>
    private readonly Dictionary<string, List<(RemoteActorRef Watchee, IInternalActorRef Watcher)>> _outbound = new(StringComparer.Ordinal);

    /// <summary>Remote watchers of local actors, with the watchee path text the peer used (echoed back in the notification).</summary>
    private readonly Dictionary<(IActorRef Watchee, IActorRef Watcher), string> _inbound = [];

    /// <summary>Watches of remote actors in force (for tests and diagnostics).</summary>
    public int OutboundCount
    {
        get
        {
            lock (_gate)
            {
                return _outbound.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>Watches of local actors by remote watchers in force.</summary>
    public int InboundCount
    {
        get
        {
            lock (_gate)
            {
                return _inbound.Count;
            }
        }
    }

    /// <summary>A system message told to a remote ref (by the runtime: watch, unwatch, or a local actor's death notice).</summary>
    public void SendSystemMessage(RemoteActorRef target, SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when watch.Watchee.Equals(target):
                lock (_gate)
                {
                    if (!_outbound.TryGetValue(target.PathText, out var watchers))
                    {
                        _outbound[target.PathText] = watchers = [];
                    }

                    if (watchers.Exists(w => w.Watcher.Equals(watch.Watcher)))
                    {
                        return;
                    }

                    watchers.Add((target, watch.Watcher));
                }

                remoting.SendSystem(target, message, new RemoteSystemMessage
                {
                    Watch = new RemoteWatch { WatcheePath = target.PathText, WatcherPath = RefPaths.Format(watch.Watcher) },
                });
                break;
            case Unwatch unwatch when unwatch.Watchee.Equals(target):
                lock (_gate)
                {
                    RemoveOutbound(target.PathText, unwatch.Watcher);
                }

                remoting.SendSystem(target, message, new RemoteSystemMessage
                {
                    Unwatch = new RemoteUnwatch { WatcheePath = target.PathText, WatcherPath = RefPaths.Format(unwatch.Watcher) },
                });
                break;
            case DeathWatchNotification death:
                string? watcheeText;
                lock (_gate)
                {
                    _inbound.Remove((death.Actor, target), out watcheeText);
                }

                remoting.SendSystem(target, message, new RemoteSystemMessage
                {
                    DeathWatchNotification = new RemoteDeathWatchNotification
                    {
                        ActorPath = watcheeText ?? RefPaths.Format(death.Actor),
                        WatcherPath = target.PathText,
                        ExistenceConfirmed = death.ExistenceConfirmed,
                    },
                });
                break;
            default:
                remoting.Logger.LogDebug("System message {MessageType} to remote actor {Recipient} ignored: only death watch crosses nodes", message.GetType().Name, target.Path);
                break;
        }
    }

    /// <summary>A system entry received from <paramref name="from"/>.</summary>
    public void Received(ReadOnlySpan<byte> body, BoundNode from)
    {
        RemoteSystemMessage message;
        try
        {
            message = RemoteSystemMessage.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            remoting.ReportUndecodable(from.Node, "system message", ex.Message);
            return;
        }

        switch (message.BodyCase)
        {
            case RemoteSystemMessage.BodyOneofCase.Watch:
                OnWatch(message.Watch, from);
                break;
            case RemoteSystemMessage.BodyOneofCase.Unwatch:
                OnUnwatch(message.Unwatch, from);
                break;
            case RemoteSystemMessage.BodyOneofCase.DeathWatchNotification:
                OnDeathWatchNotification(message.DeathWatchNotification);
                break;
            default:
                remoting.ReportUndecodable(from.Node, "system message", $"a RemoteSystemMessage with body {message.BodyCase}");
                break;
        }
    }

    /// <summary>
    /// <paramref name="node"/> is gone for good (quarantined or removed): watchers of its actors get
    /// Terminated(AddressTerminated), and its actors' watches of local actors are dropped.
    /// </summary>
    public void NodeGone(UniqueNode node)
    {
        List<(RemoteActorRef Watchee, IInternalActorRef Watcher)> fired = [];
        List<(IInternalActorRef Watchee, IInternalActorRef Watcher)> dropped = [];
        lock (_gate)
        {
            foreach (var (key, watchers) in _outbound.ToArray())
            {
                watchers.RemoveAll(w =>
                {
                    if (!IsOn(w.Watchee, node))
                    {
                        return false;
                    }

                    fired.Add(w);
                    return true;
                });
                if (watchers.Count == 0)
                {
                    _outbound.Remove(key);
                }
            }

            foreach (var (pair, _) in _inbound.ToArray())
            {
                if (pair.Watcher is RemoteActorRef watcher && IsOn(watcher, node) && pair.Watchee is IInternalActorRef local)
                {
                    _inbound.Remove(pair);
                    dropped.Add((local, watcher));
                }
            }
        }

        foreach (var (watchee, watcher) in fired)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(watchee, existenceConfirmed: true, addressTerminated: true));
        }

        foreach (var (watchee, watcher) in dropped)
        {
            watchee.SendSystemMessage(new Unwatch(watchee, watcher));
        }
    }

    /// <summary>A watch could not be sent (peer gone, quarantined): its watcher must not wait forever.</summary>
    public void WatchUndeliverable(RemoteActorRef watchee, Watch watch)
    {
        lock (_gate)
        {
            if (!RemoveOutbound(watchee.PathText, watch.Watcher))
            {
                return;
            }
        }

        watch.Watcher.SendSystemMessage(new DeathWatchNotification(watchee, existenceConfirmed: false, addressTerminated: true));
    }

    private static bool IsOn(RemoteActorRef actor, UniqueNode node) =>
        actor.Bound is { } bound
            ? bound.Node == node
            : actor.Endpoint.Association?.Peer == node.Id;

    private bool RemoveOutbound(string watcheeText, IActorRef watcher)
    {
        if (!_outbound.TryGetValue(watcheeText, out var watchers))
        {
            return false;
        }

        var removed = watchers.RemoveAll(w => w.Watcher.Equals(watcher)) > 0;
        if (watchers.Count == 0)
        {
            _outbound.Remove(watcheeText);
        }

        return removed;
    }

    private void OnWatch(RemoteWatch watch, BoundNode from)
    {
        if (remoting.ResolveSender(watch.WatcherPath, from) is not RemoteActorRef watcher)
        {
            remoting.ReportUndecodable(from.Node, "watch", $"watcher path '{watch.WatcherPath}' is not an actor of the peer");
            return;
        }

        if (remoting.ResolveRecipient(watch.WatcheePath, out _) is not { } watchee)
        {
            // Nothing lives there: answer at once, as a local watch of a stopped actor is answered.
            remoting.SendSystem(watcher, watch, new RemoteSystemMessage
            {
                DeathWatchNotification = new RemoteDeathWatchNotification
                {
                    ActorPath = watch.WatcheePath,
                    WatcherPath = watch.WatcherPath,
                    ExistenceConfirmed = false,
                },
            });
            return;
        }

        lock (_gate)
        {
            _inbound[(watchee, watcher)] = watch.WatcheePath;
        }

        watchee.SendSystemMessage(new Watch(watchee, watcher));
    }

    private void OnUnwatch(RemoteUnwatch unwatch, BoundNode from)
    {
        if (remoting.ResolveSender(unwatch.WatcherPath, from) is not RemoteActorRef watcher
            || remoting.ResolveRecipient(unwatch.WatcheePath, out _) is not { } watchee)
        {
            return;
        }

        lock (_gate)
        {
            _inbound.Remove((watchee, watcher));
        }

        watchee.SendSystemMessage(new Unwatch(watchee, watcher));
    }

    private void OnDeathWatchNotification(RemoteDeathWatchNotification notification)
    {
        List<(RemoteActorRef Watchee, IInternalActorRef Watcher)> fired = [];
        lock (_gate)
        {
            if (_outbound.TryGetValue(notification.ActorPath, out var watchers))
            {
                watchers.RemoveAll(w =>
                {
                    if (!string.Equals(RefPaths.Format(w.Watcher), notification.WatcherPath, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    fired.Add(w);
                    return true;
                });
                if (watchers.Count == 0)
                {
                    _outbound.Remove(notification.ActorPath);
                }
            }
        }

        foreach (var (watchee, watcher) in fired)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(watchee, notification.ExistenceConfirmed, addressTerminated: false));
        }
    }
}
