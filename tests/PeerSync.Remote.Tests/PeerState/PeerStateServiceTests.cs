using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;

namespace PeerSync.Remote.Tests.PeerState;

public sealed class PeerStateServiceTests
{
    private static readonly NodeId B = NodeId.Parse("b");
    private static readonly UniqueNode B1 = new(B, new Incarnation(1));

    private static NodeIdentity Identity(UniqueNode node) =>
        new(node, new DataEpoch(3), new EndpointAddress("127.0.0.1", 4002), 1_700_000_000_000, ["hub"]);

    [Fact]
    public void PeerStateService_reports_unknown_peers_as_disconnected_and_unavailable()
    {
        var service = new PeerStateService(new EventStream());

        Assert.Null(service.Get(B));
        Assert.Equal(PeerLinkState.Disconnected, service.StateOf(B));
        Assert.False(service.IsAvailable(B));
        Assert.Empty(service.ConnectedPeers);
    }

    [Fact]
    public void PeerStateService_answers_queries_and_publishes_each_change_once_with_the_handshake_identity()
    {
        var events = new EventStream();
        var seen = new List<PeerStateChanged>();
        using var _ = events.Subscribe<PeerStateChanged>(seen.Add);
        var service = new PeerStateService(events);

        service.Update(B, PeerLinkState.Connecting, null, null, "link started");
        service.Update(B, PeerLinkState.Connected, B1, Identity(B1), "session established");
        service.Update(B, PeerLinkState.Connected, B1, Identity(B1), "the same again");

        Assert.Equal(2, seen.Count);
        Assert.Null(seen[0].Previous);
        Assert.Equal(PeerLinkState.Connecting, seen[1].Previous!.State);
        var status = service.Get(B)!;
        Assert.Equal(PeerLinkState.Connected, status.State);
        Assert.Equal(B1, status.Node);
        Assert.Equal(["hub"], status.Identity!.Roles);
        Assert.Equal(1_700_000_000_000, status.Identity.StartupTimeUnixMs);
        Assert.True(service.IsAvailable(B));
        Assert.Equal([B], service.ConnectedPeers.Select(p => p.Peer));

        // Losing the session keeps who the peer was, for the upper layers' bookkeeping.
        service.Update(B, PeerLinkState.Connecting, B1, null, "session lost");
        Assert.Equal(Identity(B1), service.Get(B)!.Identity);
        Assert.False(service.IsAvailable(B));
    }

    [Fact]
    public void PeerStateService_subscribers_that_query_on_an_event_see_at_least_that_event_under_concurrent_updates()
    {
        // 8 threads drive 4 peers through connect/disconnect cycles at once. A callback subscriber
        // (which runs on the updating thread) and an actor subscriber (which runs later, on its own
        // thread) both query the service for the event's peer: the answer is never older than the
        // event, and each peer's events arrive in version order.
        var events = new EventStream();
        var service = new PeerStateService(events);
        var violations = new ConcurrentQueue<string>();
        var lastVersion = new ConcurrentDictionary<NodeId, long>();
        var received = 0;
        using var subscription = events.Subscribe<PeerStateChanged>(e =>
        {
            var now = service.Get(e.Current.Peer)!;
            if (now.Version < e.Current.Version)
            {
                violations.Enqueue($"callback: query v{now.Version} older than event v{e.Current.Version}");
            }

            var previous = lastVersion.GetOrAdd(e.Current.Peer, 0);
            if (e.Current.Version <= previous)
            {
                violations.Enqueue($"callback: event v{e.Current.Version} after v{previous}");
            }

            lastVersion[e.Current.Peer] = e.Current.Version;
            Interlocked.Increment(ref received);
        });

        var peers = Enumerable.Range(0, 4).Select(i => NodeId.Parse("p" + i)).ToArray();
        var states = new[] { PeerLinkState.Connecting, PeerLinkState.Connected, PeerLinkState.Disconnecting, PeerLinkState.Disconnected };
        var updates = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var peer = peers[(worker + i) % peers.Length];
                var node = new UniqueNode(peer, new Incarnation((ulong)(i % 3) + 1));
                service.Update(peer, states[(i + worker) % states.Length], node, null, "churn");
                Interlocked.Increment(ref updates);
            }
        });

        Assert.Empty(violations);
        Assert.True(received > 0 && received <= updates);
        Assert.Equal(peers.Length, service.All.Count);
    }

    [Fact]
    public async Task PeerStateService_actor_subscribers_that_query_on_an_event_see_at_least_that_event()
    {
        await using var system = ActorSystem.Create("peer-state");
        var service = new PeerStateService(system.EventStream);
        var done = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Updates = 4_000;
        var checker = system.ActorOf(Props.Create(() => new QueryingSubscriber(service, Updates, done)));
        system.EventStream.Subscribe<PeerStateChanged>(checker);

        var peer = NodeId.Parse("p");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < Updates / 4; i++)
            {
                // Alternate states so that every update is a change.
                lock (service)
                {
                    var next = service.StateOf(peer) == PeerLinkState.Connected ? PeerLinkState.Connecting : PeerLinkState.Connected;
                    service.Update(peer, next, new UniqueNode(peer, new Incarnation(1)), null, "flap");
                }
            }
        })));

        var violations = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(violations);
    }

    private sealed class QueryingSubscriber(PeerStateService service, int expected, TaskCompletionSource<IReadOnlyList<string>> done) : ActorBase
    {
        private readonly List<string> _violations = [];
        private long _lastVersion;
        private int _seen;

        protected override bool Receive(object message)
        {
            if (message is not PeerStateChanged changed)
            {
                return false;
            }

            var now = service.Get(changed.Current.Peer)!;
            if (now.Version < changed.Current.Version)
            {
                _violations.Add($"query v{now.Version} older than event v{changed.Current.Version}");
            }

            if (changed.Current.Version <= _lastVersion)
            {
                _violations.Add($"event v{changed.Current.Version} after v{_lastVersion}");
            }

            _lastVersion = changed.Current.Version;
            if (++_seen == expected)
            {
                done.TrySetResult(_violations);
            }

            return true;
        }
    }
}
