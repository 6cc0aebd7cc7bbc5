using System.Globalization;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

/// <summary>
/// `/system/remote/links`: creates one <see cref="PeerLinkActor"/> per peer node (named by its node
/// id) and routes sessions and commands to it. A link that disconnected stays, dormant, and starts
/// again when the node is connected or dials in, so a node has exactly one link entry per peer.
/// A link that crashes is restarted (sessions closed, buffers kept); after 10 crashes a minute it is
/// stopped and its buffered messages become dead letters, and the next link for the peer starts
/// knowing only the incarnation the stopped one last had a session with (the association's Current).
/// Which links are dormant is kept by a <see cref="LinkRoster"/>, from numbered wakes and the links'
/// stop reports (docs/design/remote-links.md, "Link supervision"); the shutdown answer
/// <see cref="AllLinksStopped"/> depends on it.
/// </summary>
internal sealed class PeerLinksActor(Remoting remoting) : ActorBase
{
    private readonly Dictionary<NodeId, IActorRef> _links = [];
    private readonly Dictionary<IActorRef, NodeId> _peers = [];
    private readonly Dictionary<NodeId, SessionHandOff> _offers = [];
    private readonly LinkRoster _roster = new();
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

                // A link created for this offer knows the address the peer advertises in its handshake,
                // so it can dial the peer should the offered session be refused or lost.
                var offeredTo = offer.Session.Peer.Id;
                var target = Ensure(offeredTo, PeerLinkActor.AdvertisedAddress(offer.Session, offeredTo), startedByOffer: true);
                var wake = _roster.NextWake(offeredTo);
                // The link may be stopping for good (its Terminated not seen yet): told to it, the
                // offer would be a dead letter that nobody closes. Left in its hand-off, the session is
                // closed by the link's final stop, or at once when that stop is over.
                if (_offers[offeredTo].TryLeave(wake.Value, offer.Session))
                {
                    target.Tell(offer with { Wake = wake }, Self);
                }

                return true;
            case EnsureLink ensure:
                if (_shutdownReason is null)
                {
                    if (_links.TryGetValue(ensure.Peer, out var existing))
                    {
                        if (ensure.Address is { } address)
                        {
                            existing.Tell(new ConnectLink(address) { Wake = _roster.NextWake(ensure.Peer) }, Self);
                        }
                    }
                    else
                    {
                        Ensure(ensure.Peer, ensure.Address, startedByOffer: false);
                    }
                }

                return true;
            case LinkCommand command:
                Route(command);
                return true;
            case LinkStopped stopped:
                if (_links.TryGetValue(stopped.Peer, out var current) && current.Equals(Sender))
                {
                    OnLinkStopped(stopped);
                }

                return true;
            case DisconnectAll all:
                _shutdownReason = all.Reason;
                _waitingForAllStopped.Add(Sender);
                foreach (var link in _links.Values)
                {
                    // Every link, as in Route: a dormant one ignores it.
                    link.Tell(new DisconnectLink(all.Reason), Self);
                }

                AnswerIfAllStopped();
                return true;
            case Terminated terminated when _peers.Remove(terminated.ActorRef, out var peer):
                // Only after its restart budget is spent: the link cannot be trusted with the peer.
                _links.Remove(peer);
                _offers.Remove(peer);
                _roster.Remove(peer);
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
            var linkCommand = command.Command;
            if (linkCommand is ConnectLink connect)
            {
                if (_shutdownReason is not null)
                {
                    // No link starts again once the node shuts down (Remoting.Connect refuses by then
                    // too): a link woken now would run on after AllLinksStopped was answered.
                    return;
                }

                linkCommand = connect with { Wake = _roster.NextWake(command.Peer) };
            }

            // Told even to a link this actor counts as dormant: a dormant link ignores a disconnect or
            // quarantine, so this costs nothing, and it keeps this actor from depending on its count
            // for anything but the shutdown answer (a link restarts dormant only when its own memory
            // says it stopped, which this actor learns from the report that may still be on its way).
            link.Tell(linkCommand, Self);
            return;
        }

        switch (command.Command)
        {
            case ConnectLink connect when _shutdownReason is null:
                Ensure(command.Peer, connect.Address, startedByOffer: false);
                break;
            case DisconnectLink disconnect:
                // No link yet: still, nothing may be buffered for the peer from now on.
                remoting.Endpoints.Find(command.Peer)?.Close(RemoteDeliveryFailure.PeerGone, disconnect.Reason);
                break;
        }
    }

    /// <param name="address">Where the peer can be dialed, when known: the new link's memory keeps it.</param>
    /// <param name="startedByOffer">The link is created for a session offered to it, told next: it does
    /// not dial <paramref name="address"/> while that session is handled (see PeerLinkMachine.Offered).</param>
    private IActorRef Ensure(NodeId peer, EndpointAddress? address, bool startedByOffer)
    {
        if (_links.TryGetValue(peer, out var link))
        {
            return link;
        }

        // A closed association reopens when the new link reports Connecting (PeerLinkActor).
        var association = remoting.Endpoints.GetOrCreate(peer);
        // The memory outlives restarts of the link's actor (wakes handled, learned address, dormancy).
        // The incarnation an earlier link for the peer last had a session with, which this link
        // quarantines on meeting a newer one, is the association's Current: the link reads it there.
        var memory = new LinkMemory(address);
        link = Context.Watch(Context.ActorOf(Props.Create(() => new PeerLinkActor(remoting, association, memory, startedByOffer)), peer.Value));
        _links[peer] = link;
        _peers[link] = peer;
        _offers[peer] = memory.Offers;
        _roster.Add(peer);
        return link;
    }

    private void OnLinkStopped(LinkStopped stopped)
    {
        if (_roster.Stopped(stopped.Peer, stopped.Handled))
        {
            AnswerIfAllStopped();
            return;
        }

        // The link stopped before it handled a session or connect told to it since; handling that
        // one wakes it, so it runs (and may still be flushing) however this report reads.
        LinkLog.Notice(
            remoting.Logger,
            remoting.Self.Id,
            stopped.Peer,
            string.Create(CultureInfo.InvariantCulture, $"a late stop report (after wake {stopped.Handled}) ignored: a later wake starts the link again"));
    }

    private void AnswerIfAllStopped()
    {
        if (_waitingForAllStopped.Count == 0 || !_roster.AllDormant)
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
