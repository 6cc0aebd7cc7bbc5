using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Endpoints;

namespace PeerSync.Remote.Refs;

/// <summary>
/// A ref to an actor on another node; its path carries that node's address
/// (`peersync://system@host:port/user/a`). Tell works as for a local actor: it never blocks and
/// never throws for delivery problems. The message is serialized at once and handed to the link of
/// the node (no actor hop); when it cannot be delivered (buffer full, peer gone, incarnation
/// quarantined, not serializable) it goes to dead letters with the reason. The ref is bound to the
/// node's incarnation as soon as that is known: after that incarnation is quarantined, Tell
/// dead-letters instead of reaching a restarted process.
/// </summary>
public sealed class RemoteActorRef : ActorRefBase, IInternalActorRef
{
    private readonly Remoting _remoting;
    private volatile BoundNode? _bound;

    internal RemoteActorRef(Remoting remoting, ActorPath path, RemoteEndpointHandle endpoint, BoundNode? bound)
    {
        _remoting = remoting;
        Path = path;
        Endpoint = endpoint;
        _bound = bound;
        PathText = RefPaths.Format(path);
    }

    public override ActorPath Path { get; }

    /// <summary>The node incarnation this ref points to; null until the node has been reached.</summary>
    public UniqueNode? Node => _bound?.Node;

    /// <summary>Always false: whether a remote actor stopped is learned by watching it.</summary>
    public bool IsTerminated => false;

    public ActorSystem System => _remoting.System;

    /// <summary>The text form sent on the wire (path with address, `#uid` when known).</summary>
    internal string PathText { get; }

    internal RemoteEndpointHandle Endpoint { get; }

    internal BoundNode? Bound => _bound;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        _remoting.Send(this, message, sender);
    }

    public void SendSystemMessage(SystemMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _remoting.Watcher.SendSystemMessage(this, message);
    }

    /// <summary>Binds the ref to <paramref name="current"/> unless it is bound already; returns the binding in force.</summary>
    internal BoundNode BindIfUnbound(BoundNode current) =>
        Interlocked.CompareExchange(ref _bound, current, null) ?? current;
}
