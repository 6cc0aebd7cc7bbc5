using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Links;

/// <summary>
/// `/system/remote`: the parent of `links`, and the place where addresses whose node is not known
/// yet (a seed given as host:port, a path to an address never reached) are dialed to learn who is
/// there, retried with the link backoff. A successful dial is handed to the link of the node found,
/// with the address remembered as leading to it, so what was buffered for the address flows.
/// </summary>
internal sealed class RemotingActor(Remoting remoting) : ActorBase
{
    private readonly Dictionary<EndpointAddress, Discovery> _discovering = [];
    private readonly BackoffPolicy _backoff = new(
        remoting.Options.Link.ReconnectMinBackoff, remoting.Options.Link.ReconnectMaxBackoff, remoting.Options.Link.ReconnectRandomFactor);

    private SplitMix64 _jitter = new(remoting.Options.Link.JitterSeed ?? remoting.Self.Incarnation.Value);
    private IActorRef _links = null!;
    private long _attempts;

    protected override void PreStart() =>
        _links = Context.ActorOf(Props.Create(() => new PeerLinksActor(remoting)), "links");

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Discover discover:
                OnDiscover(discover);
                return true;
            case DiscoveryCompleted completed:
                OnCompleted(completed);
                return true;
            case RetryDiscovery retry:
                if (_discovering.TryGetValue(retry.Address, out var waiting) && !waiting.InFlight)
                {
                    Dial(retry.Address, waiting);
                }

                return true;
            case OfferSession or EnsureLink or LinkCommand or DisconnectAll:
                if (message is DisconnectAll)
                {
                    _discovering.Clear();
                    Timers.CancelAll();
                }

                _links.Forward(message);
                return true;
            default:
                return false;
        }
    }

    private void OnDiscover(Discover discover)
    {
        if (remoting.IsShuttingDown)
        {
            return;
        }

        if (remoting.Endpoints.NodeAt(discover.Address) is { } node)
        {
            _discovering.Remove(discover.Address);
            _links.Tell(new EnsureLink(node, discover.Address), Self);
            return;
        }

        if (!_discovering.TryGetValue(discover.Address, out var discovery))
        {
            discovery = new Discovery();
            _discovering[discover.Address] = discovery;
            Dial(discover.Address, discovery);
        }
        else if (discover.ResetBackoff)
        {
            discovery.Failures = 0;
            if (!discovery.InFlight)
            {
                Dial(discover.Address, discovery);
            }
        }
    }

    private void OnCompleted(DiscoveryCompleted completed)
    {
        var current = _discovering.TryGetValue(completed.Address, out var discovery) && discovery.Attempt == completed.Attempt;
        if (completed.Result.Session is { } session)
        {
            // Even a stale attempt's session is worth keeping: the link decides what to do with it.
            _discovering.Remove(completed.Address);
            LinkLog.Discovered(remoting.Logger, remoting.Self.Id, completed.Address, session.Peer.Node);
            remoting.OfferSession(session, dialedBySelf: true, dialedAddress: completed.Address);
            return;
        }

        if (!current)
        {
            return;
        }

        discovery!.InFlight = false;
        var result = completed.Result;
        if (result.Reason == DisconnectReason.Quarantined && result.Outcome.ByPeer && result.ClaimedPeer is { } peer)
        {
            LinkLog.QuarantinedByPeer(remoting.Logger, remoting.Self.Id, peer.Node, result.Detail);
            Context.System.EventStream.Publish(new QuarantinedByPeer(peer.Node, result.Detail));
        }

        var delay = _backoff.Delay(discovery.Failures, _jitter.NextDouble());
        discovery.Failures++;
        LinkLog.DiscoveryFailed(remoting.Logger, remoting.Self.Id, completed.Address, result.Reason, result.Detail, delay);
        Timers.StartSingleTimer(("discover", completed.Address), new RetryDiscovery(completed.Address), delay);
    }

    private void Dial(EndpointAddress address, Discovery discovery)
    {
        discovery.InFlight = true;
        discovery.Attempt = ++_attempts;
        var attempt = discovery.Attempt;
        var self = Self;
        remoting.DialAsync(address).ContinueWith(
            t => self.Tell(new DiscoveryCompleted(address, attempt, t.IsCompletedSuccessfully ? t.Result : Failed(t)), null),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    internal static HandshakeResult Failed(Task task) =>
        new(null, HandshakeOutcome.Rejected(DisconnectReason.ConnectionLost, task.Exception?.GetBaseException().Message ?? "the dial was cancelled"), null);

    private sealed class Discovery
    {
        public int Failures { get; set; }

        public bool InFlight { get; set; }

        public long Attempt { get; set; }
    }
}
