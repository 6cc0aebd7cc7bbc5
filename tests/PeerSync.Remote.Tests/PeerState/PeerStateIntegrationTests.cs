using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.PeerState;

/// <summary>The peer state service fed by real links while peers connect and disconnect at once.</summary>
public sealed class PeerStateIntegrationTests
{
    [Fact]
    public async Task PeerStateService_stays_consistent_with_its_events_while_peers_connect_and_disconnect_at_once()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var hub = await RemoteTestNode.StartAsync(network, "hub");
        var peers = new List<RemoteTestNode>();
        for (var i = 0; i < 3; i++)
        {
            peers.Add(await RemoteTestNode.StartAsync(network, "p" + i));
        }

        var service = hub.Remoting.PeerStates;
        var violations = new ConcurrentQueue<string>();
        var events = new ConcurrentQueue<PeerStateChanged>();
        var lastVersion = new ConcurrentDictionary<string, long>();
        using var callback = hub.System.EventStream.Subscribe<PeerStateChanged>(e =>
        {
            events.Enqueue(e);
            if (service.Get(e.Current.Peer)!.Version < e.Current.Version)
            {
                violations.Enqueue($"callback: query older than {e.Current}");
            }

            var previous = lastVersion.GetOrAdd(e.Current.Peer.Value, 0);
            if (e.Current.Version <= previous)
            {
                violations.Enqueue($"callback: {e.Current} after v{previous}");
            }

            lastVersion[e.Current.Peer.Value] = e.Current.Version;
        });
        var actorChecks = new ConcurrentQueue<string>();
        var checker = hub.System.ActorOf(Props.Create(() => new QueryOnEvent(service, actorChecks)));
        hub.System.EventStream.Subscribe<PeerStateChanged>(checker);

        try
        {
            await Task.WhenAll(peers.Select(peer => Task.Run(async () =>
            {
                peer.Remoting.Connect(hub.Endpoint);
                for (var round = 0; round < 5; round++)
                {
                    await Eventually.TrueAsync(() => service.IsAvailable(peer.Id), $"{peer.Id} connected (round {round})");
                    var connected = service.Get(peer.Id)!.Version;
                    hub.Remoting.Disconnect(peer.Id, "churn");

                    // Awaited as an event, not polled as a state: the peer redials within its 20 ms
                    // backoff, so on a loaded machine the hub can be connected again before a poll
                    // ever sees it disconnected.
                    await Eventually.TrueAsync(
                        () => events.Any(e => e.Current.Peer == peer.Id && e.Current.State == PeerLinkState.Disconnected && e.Current.Version > connected),
                        $"{peer.Id} disconnected (round {round})",
                        () => string.Join("\n", events.Where(e => e.Current.Peer == peer.Id).Select(e => e.Current.ToString())));
                }
            })));

            // The peers redial on their own: in the end every one is connected, as the links say.
            await Eventually.TrueAsync(() => peers.All(p => service.IsAvailable(p.Id) && hub.Remoting.IsLinkActive(p.Id)), "all peers back");
            Assert.Empty(violations);
            await Eventually.TrueAsync(() => actorChecks.Count >= events.Count, "the actor subscriber saw every event");
            Assert.All(actorChecks, c => Assert.Equal("ok", c));
            Assert.Equal(peers.Select(p => p.Id).Order(), service.ConnectedPeers.Select(p => p.Peer));
            Assert.All(service.ConnectedPeers, p => Assert.Equal(["test"], p.Identity!.Roles));
            foreach (var peer in peers)
            {
                var seen = events.Where(e => e.Current.Peer == peer.Id).Select(e => e.Current.State).ToList();
                Assert.Contains(PeerLinkState.Disconnecting, seen);
                Assert.Contains(PeerLinkState.Disconnected, seen);
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    /// <summary>Queries the service on every event it receives, later and on another thread than the publisher.</summary>
    private sealed class QueryOnEvent(PeerStateService service, ConcurrentQueue<string> results) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not PeerStateChanged changed)
            {
                return false;
            }

            var now = service.Get(changed.Current.Peer)!;
            results.Enqueue(now.Version >= changed.Current.Version ? "ok" : $"query v{now.Version} older than event {changed.Current}");
            return true;
        }
    }
}
