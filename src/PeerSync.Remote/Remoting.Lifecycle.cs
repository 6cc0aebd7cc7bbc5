using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote;

public sealed partial class Remoting
{
    /// <summary>Every session handed to the remoting and not yet fully closed: shutdown closes what is left, so none can leak.</summary>
    private readonly ConcurrentDictionary<PeerSession, byte> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HandshakeRunner? _runner;
    private RemoteListener? _listener;
    private IActorRef? _manager;
    private int _shutdown;

    /// <summary>Guards <see cref="_dialsInFlight"/> and <see cref="_dialsOver"/>, so that a dial either sees shutdown begun or is counted by it.</summary>
    private readonly object _dialGate = new();

    /// <summary>Dials started through <see cref="DialAsync"/> and not yet over; guarded by <see cref="_dialGate"/>.</summary>
    private int _dialsInFlight;

    /// <summary>Completed when the last dial in flight ends, for shutdown to wait on; guarded by <see cref="_dialGate"/>.</summary>
    private TaskCompletionSource? _dialsOver;

    /// <summary>True once <see cref="ShutdownAsync"/> began (or the actor system terminated).</summary>
    public bool IsShuttingDown => Volatile.Read(ref _shutdown) != 0;

    /// <summary>Completes when the remoting has stopped and every connection is closed.</summary>
    public Task WhenStopped => _stopped.Task;

    /// <summary>Sessions held right now (active, being replaced, or closing).</summary>
    internal int OpenSessions => _sessions.Count;

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Raised for every session the remoting takes over (tests watch sessions through it).</summary>
    internal event Action<PeerSession>? SessionAdopted;

    /// <summary>
    /// Creates an actor system reachable from other nodes: binds the listening address first (so
    /// port 0 works), creates the system with the address `peersync://<paramref name="systemName"/>@host:port`,
    /// and starts remoting on it. Terminating the system stops remoting too, but
    /// <see cref="ShutdownAsync"/> first lets buffered messages drain.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="TransportException">The address cannot be bound.</exception>
    public static async Task<ActorSystem> CreateSystemAsync(
        string systemName,
        RemotingSettings settings,
        ActorSystemSettings? actorSettings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Options.EnsureValid();
        actorSettings ??= ActorSystemSettings.Default;
        var time = actorSettings.DeterministicScheduler?.Time ?? actorSettings.TimeProvider;
        var transport = settings.Transport ?? settings.Options.CreateTransport(actorSettings.LoggerFactory, time);
        var listener = await transport.ListenAsync(settings.Options.Address, cancellationToken).ConfigureAwait(false);
        try
        {
            var address = new EndpointAddress(settings.Options.Hostname, listener.LocalAddress.Port);
            var identity = new NodeIdentity(
                new UniqueNode(settings.NodeId, settings.Incarnation),
                settings.DataEpoch,
                address,
                settings.StartupTimeUnixMs ?? time.GetUtcNow().ToUnixTimeMilliseconds(),
                settings.Roles);
            var system = ActorSystem.Create(
                systemName, actorSettings with { Address = new Address(Actors.Address.LocalProtocol, systemName, address.Host, address.Port) });
            var remoting = system.GetOrAddExtension(s => new Remoting(s, settings, transport, identity));
            remoting.Start(listener);
            return system;
        }
        catch
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Start(ITransportListener listener)
    {
        System.SetRemoteResolver(ResolveRemote);
        _manager = System.SystemActorOf(Props.Create(() => new RemotingActor(this)), "remote");
        _listener = RemoteListener.Start(
            listener,
            Runner,
            OnInboundSessionAsync,
            Options.MaxPendingHandshakes,
            TimeProvider,
            System.LoggerFactory.CreateLogger("PeerSync.Remote.RemoteListener"));
        _ = System.WhenTerminated.ContinueWith(
            static (_, state) => ((Remoting)state!).ShutdownAsync(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
        LinkLog.Started(Logger, Self.Id, listener.LocalAddress, Address.ToString());
    }

    /// <summary>
    /// Stops remoting gracefully: stops accepting, waits up to link.shutdown-flush-timeout for
    /// buffered messages to be acknowledged, closes every link with SHUTDOWN (what is still
    /// buffered becomes dead letters, "the node is shutting down"), and waits for every connection
    /// to close. Idempotent; the actor system keeps running.
    /// </summary>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            if (_listener is not null)
            {
                await _listener.DisposeAsync().ConfigureAwait(false);
            }

            // Each link waits (bounded by link.shutdown-flush-timeout) until its peer acknowledged
            // what it buffered, then closes with SHUTDOWN; what is left is dead-lettered below.
            var systemRunning = !System.IsTerminated;
            if (systemRunning && _manager is not null)
            {
                try
                {
                    await _manager.Ask<AllLinksStopped>(new DisconnectAll("the node is shutting down"), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AskTimeoutException or InvalidOperationException)
                {
                    // The links did not answer (the system is terminating under us): the sessions are closed below anyway.
                }
            }

            // No dial starts any more (the flag is set) and those under way are cancelled; wait for
            // each to be over, so that none hands over a session after the sessions are closed.
            await _stopping.CancelAsync().ConfigureAwait(false);
            await DialsOverAsync().ConfigureAwait(false);
            long left = 0;
            foreach (var association in Endpoints.Associations)
            {
                left += association.BufferedCount;
                association.Close(RemoteDeliveryFailure.PeerGone, "the node is shutting down");
            }

            foreach (var handle in Endpoints.Handles)
            {
                left += handle.PendingCount;
                handle.FailPending(RemoteDeliveryFailure.PeerGone, "the node is shutting down");
            }

            await CloseAllSessionsAsync().ConfigureAwait(false);
            Metrics.Dispose();
            LinkLog.Stopped(Logger, Self.Id, left);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Registers a session the remoting now owns. It leaves the registry when its connection has
    /// fully closed, inside the session's own completion path: by the time anyone sees
    /// <see cref="PeerSession.Completion"/> complete, <see cref="OpenSessions"/> no longer counts it.
    /// </summary>
    internal bool Adopt(PeerSession session)
    {
        _sessions[session] = 0;
        SessionAdopted?.Invoke(session);
        if (!session.TryOnClosed(Forget))
        {
            // Its connection closed before it got here: nothing will call back.
            Forget(session);
        }

        if (IsShuttingDown)
        {
            session.Close(DisconnectReason.Shutdown, "the node is shutting down");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Dials <paramref name="address"/>; a session (adopted) or the reason there is none. Never
    /// throws. Once shutdown began, no dial starts, and a dial under way whose handshake still
    /// succeeds has its session closed (and waits for that), not adopted: shutdown waits for every
    /// dial to be over, so none can hand over a session after <see cref="ShutdownAsync"/> returned.
    /// </summary>
    internal async Task<HandshakeResult> DialAsync(EndpointAddress address)
    {
        lock (_dialGate)
        {
            if (IsShuttingDown)
            {
                return ShuttingDown(null);
            }

            _dialsInFlight++;
        }

        try
        {
            return await DialCoreAsync(address).ConfigureAwait(false);
        }
        finally
        {
            lock (_dialGate)
            {
                if (--_dialsInFlight == 0)
                {
                    _dialsOver?.TrySetResult();
                }
            }
        }
    }

    private async Task<HandshakeResult> DialCoreAsync(EndpointAddress address)
    {
        HandshakeResult result;
        try
        {
            result = await Dialer.ConnectAsync(address, Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ShuttingDown(null);
        }

        if (result.Session is not { } session)
        {
            return result;
        }

        if (IsShuttingDown)
        {
            // The handshake completed although shutdown cancelled it (its last frame was in): the
            // session is refused, and closed before this dial counts as over.
            LinkLog.SessionRefused(Logger, Self.Id, session.Peer.Node, "the node is shutting down");
            session.Close(DisconnectReason.Shutdown, "the node is shutting down");
            await session.Completion.ConfigureAwait(false);
            return ShuttingDown(session.Peer);
        }

        // Shutdown may begin between the check above and here: Adopt then closes the session, and
        // shutdown, which waits for this dial before it closes what is held, waits for it too.
        return Adopt(session) ? result : ShuttingDown(session.Peer);
    }

    private static HandshakeResult ShuttingDown(NodeIdentity? peer) =>
        new(null, HandshakeOutcome.Rejected(DisconnectReason.Shutdown, "the node is shutting down"), peer);

    /// <summary>Completes when no dial is in flight; called once shutdown began, when no new dial can start.</summary>
    private Task DialsOverAsync()
    {
        int inFlight;
        Task over;
        lock (_dialGate)
        {
            inFlight = _dialsInFlight;
            if (inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _dialsOver ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            over = _dialsOver.Task;
        }

        LinkLog.ShutdownAwaitsDials(Logger, Self.Id, inFlight);
        return over;
    }

    /// <summary>
    /// Hands an established session to the link of its node (creating the link if needed), after
    /// refusing quarantined incarnations. <paramref name="dialedAddress"/> is the address dialed,
    /// remembered as leading to that node too.
    /// </summary>
    internal void OfferSession(PeerSession session, bool dialedBySelf, EndpointAddress? dialedAddress = null)
    {
        var peer = session.Peer;
        if (_quarantined.TryGetValue(peer.Node, out var reason))
        {
            LinkLog.SessionRefused(Logger, Self.Id, peer.Node, $"its incarnation is quarantined: {reason}");
            session.Close(DisconnectReason.Quarantined, $"{Self} quarantined incarnation {peer.Node}: {reason}");
            return;
        }

        var association = Endpoints.GetOrCreate(peer.Id);
        Endpoints.Bind(peer.Address, association);
        if (dialedAddress is { } dialed && dialed != peer.Address)
        {
            Endpoints.Bind(dialed, association);
        }

        _manager!.Tell(new OfferSession(session, dialedBySelf), null);
    }

    internal void RequestDiscovery(EndpointAddress address)
    {
        if (!IsShuttingDown)
        {
            _manager?.Tell(new Discover(address, ResetBackoff: false), null);
        }
    }

    private Task OnInboundSessionAsync(PeerSession session, CancellationToken cancellationToken)
    {
        if (Adopt(session))
        {
            OfferSession(session, dialedBySelf: false);
        }

        return Task.CompletedTask;
    }

    private void Forget(PeerSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Closes every session still held and waits until each has fully closed and left the registry.</summary>
    private async Task CloseAllSessionsAsync()
    {
        // A session has left the registry by the time its completion is seen, so one round empties
        // it. Every dial is over by now (shutdown waited for them) and the listener is stopped, so
        // nothing adds a session any more; the loop only guards against that changing.
        while (!_sessions.IsEmpty)
        {
            var open = _sessions.Keys.ToArray();
            foreach (var session in open)
            {
                session.Close(DisconnectReason.Shutdown, "the node is shutting down");
            }

            await Task.WhenAll(open.Select(s => (Task)s.Completion)).ConfigureAwait(false);
        }
    }
}
