using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

/// <summary>
/// `/system/remote/links`: creates one <see cref="PeerLinkActor"/> per peer node (named by its node
/// id) and routes sessions and commands to it. A link that disconnected stays, dormant, and starts
/// again when the node is connected or dials in, so a node has exactly one link entry per peer.
/// A link that crashes is restarted (sessions closed, buffers kept); after 10 crashes a minute it is
/// stopped and its buffered messages become dead letters.
/// </summary>
internal sealed class PeerLinksActor(Remoting remoting) : ActorBase
{
    private readonly Dictionary<NodeId, IActorRef> _links = [];
    private readonly Dictionary<IActorRef, NodeId> _peers = [];
    private readonly HashSet<NodeId> _dormant = [];
    private readonly List<IActorRef> _waitingForAllStopped = [];
    private string? _shutdownReason;

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case OfferSession offer:
                if (_shutdownReason is not null)
                {
                    offer.Session.Close(DisconnectReason.Shutdown, _shutdownReason);
                    return true;
                }

                Wake(Ensure(offer.Session.Peer.Id, address: null), offer.Session.Peer.Id).Tell(offer, Self);
                return true;
            case EnsureLink ensure:
                if (_shutdownReason is null)
                {
                    if (_links.TryGetValue(ensure.Peer, out var existing))
                    {
                        if (ensure.Address is { } address)
                        {
                            Wake(existing, ensure.Peer).Tell(new ConnectLink(address), Self);
                        }
                    }
                    else
                    {
                        Ensure(ensure.Peer, ensure.Address);
                    }
                }

                return true;
            case LinkCommand command:
                Route(command);
                return true;
            case LinkStopped stopped:
                if (_links.TryGetValue(stopped.Peer, out var current) && current.Equals(Sender))
                {
                    _dormant.Add(stopped.Peer);
                    AnswerIfAllStopped();
                }

                return true;
            case DisconnectAll all:
                _shutdownReason = all.Reason;
                _waitingForAllStopped.Add(Sender);
                foreach (var link in _links.Values)
                {
                    // Every link, as in Route: one counted dormant may be running.
                    link.Tell(new DisconnectLink(all.Reason), Self);
                }

                AnswerIfAllStopped();
                return true;
            case Terminated terminated when _peers.Remove(terminated.ActorRef, out var peer):
                // Only after its restart budget is spent: the link cannot be trusted with the peer.
                _links.Remove(peer);
                _dormant.Remove(peer);
                remoting.Endpoints.Find(peer)?.Close(RemoteDeliveryFailure.PeerGone, "the link actor failed repeatedly and was stopped");
                AnswerIfAllStopped();
                return true;
            default:
                return false;
        }
    }

    private void Route(LinkCommand command)
    {
        if (_links.TryGetValue(command.Peer, out var link))
        {
            if (command.Command is ConnectLink && _shutdownReason is null)
            {
                Wake(link, command.Peer);
            }

            // Told even to a link this actor counts as dormant: a dormant link ignores a disconnect
            // or quarantine, but the count can be stale. A session the peer dialed in is routed
            // here before the link's LinkStopped arrives, wakes the link, and then the LinkStopped
            // marks the running link dormant; a disconnect held back then would be lost for good.
            link.Tell(command.Command, Self);
            return;
        }

        switch (command.Command)
        {
            case ConnectLink connect when _shutdownReason is null:
                Ensure(command.Peer, connect.Address);
                break;
            case DisconnectLink disconnect:
                // No link yet: still, nothing may be buffered for the peer from now on.
                remoting.Endpoints.Find(command.Peer)?.Close(RemoteDeliveryFailure.PeerGone, disconnect.Reason);
                break;
        }
    }

    private IActorRef Ensure(NodeId peer, EndpointAddress? address)
    {
        if (_links.TryGetValue(peer, out var link))
        {
            return link;
        }

        // A closed association reopens when the new link reports Connecting (PeerLinkActor).
        var association = remoting.Endpoints.GetOrCreate(peer);
        link = Context.Watch(Context.ActorOf(Props.Create(() => new PeerLinkActor(remoting, association, address)), peer.Value));
        _links[peer] = link;
        _peers[link] = peer;
        return link;
    }

    /// <summary>A dormant link is about to get a session or a connect: it counts as running again.</summary>
    private IActorRef Wake(IActorRef link, NodeId peer)
    {
        _dormant.Remove(peer);
        return link;
    }

    private void AnswerIfAllStopped()
    {
        if (_waitingForAllStopped.Count == 0 || _links.Keys.Any(p => !_dormant.Contains(p)))
        {
            return;
        }

        foreach (var waiting in _waitingForAllStopped)
        {
            waiting.Tell(AllLinksStopped.Instance, Self);
        }

        _waitingForAllStopped.Clear();
    }
}
