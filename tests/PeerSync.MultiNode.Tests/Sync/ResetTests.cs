using System.Collections.Concurrent;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Remote;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Replication and membership while connections are reset (they fail at once, as after a TCP reset, and links reconnect).</summary>
public sealed class ResetTests(ITestOutputHelper output)
{
    private const int Seed = 4_053;
    private const int Resets = 15;

    /// <summary>
    /// Every node writes while the links between seeded pairs of nodes are reset, 15 times, each
    /// once the previous reset's link is connected again. Afterwards every acknowledged write is on
    /// every node, and membership stayed Up: a reset is a reconnect, not a failure to detect, so no
    /// node is downed or removed.
    /// </summary>
    [Fact]
    public async Task Writes_on_every_node_survive_repeated_link_resets_and_membership_stays_up()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var random = new Random(Seed);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var startedAt = cluster.Elapsed;

        var writers = cluster.Nodes.Select(node => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested && i < 20_000; i++)
            {
                var key = $"{node.Id}-{i:D5}";
                if ((await node.PutAsync(Tags, key, $"{{\"i\":{i}}}")).IsWritten)
                {
                    acknowledged.Add(key);
                }
            }
        })).ToList();

        for (var r = 0; r < Resets; r++)
        {
            // The seed picks the pair and how long the writers run before the reset.
            var i = random.Next(3);
            var (first, second) = (cluster.Nodes[i], cluster.Nodes[(i + 1 + random.Next(2)) % 3]);
            await Task.Delay(random.Next(50, 400));
            var (firstSession, secondSession) = (ActiveSession(first, second), ActiveSession(second, first));
            Assert.True(cluster.ResetLinks(first, second) >= 1, $"no connection between {first} and {second} to reset");
            await cluster.AwaitAsync(
                () => ConnectedOnAnotherSession(first, second, firstSession) && ConnectedOnAnotherSession(second, first, secondSession) && OnOneConnection(first, second),
                $"the link {first} - {second} connected again after reset {r + 1}");
            Assert.True(writers.All(w => !w.IsCompleted), "the writers stopped before the resets did: raise their count");
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        var written = acknowledged.ToHashSet();
        cluster.Note($"{written.Count} writes acknowledged during {Resets} resets");
        Assert.All(cluster.Nodes, n => Assert.Contains(written, k => k.StartsWith(n.Id.Value + "-", StringComparison.Ordinal)));

        await cluster.AwaitConvergedAsync([Tags], minCount: written.Count);
        foreach (var node in cluster.Nodes)
        {
            foreach (var key in written)
            {
                Assert.True(await node.Host().Store.GetAsync(Tags, RecordKey.Parse(key)) is not null, $"{node.Id} lacks the acknowledged write {key}");
            }
        }

        Assert.All(cluster.Nodes, n => Assert.All(n.Cluster.State.Members, m => Assert.Equal(MemberStatus.Up, m.Status)));
        Assert.All(cluster.Nodes, n => Assert.Equal(3, n.Cluster.State.Members.Length));
        Assert.DoesNotContain(cluster.Timeline, e => e.At >= startedAt && e.Event is ClusterEvent.MemberDowned or ClusterEvent.MemberRemoved or ClusterPartStopped);
        cluster.Note($"unreachable events during the resets: {cluster.Timeline.Count(e => e.At >= startedAt && e.Event is ClusterEvent.UnreachableMember)}");
        Assert.True(cluster.Faults.ResetConnections >= Resets);

        // Steady state: one connection per peer on each node; every reset one was closed and freed.
        foreach (var node in cluster.Nodes)
        {
            await node.Node.Remoting.Transport.Counters.WhenOpenAtMostAsync(2).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The id of the session the node's link to the peer carries messages on (null while it has none).</summary>
    private static long? ActiveSession(MultiNodeNode node, MultiNodeNode peer) => node.Node.Remoting.Endpoints.Find(peer.Id)?.ActiveSessionId;

    /// <summary>
    /// The node's link to the peer is connected and carries messages on a session other than
    /// <paramref name="previous"/> (the one reset). Not "a newer connected status": when the peer
    /// redials before the node has processed the loss of the reset session, the peer's session
    /// replaces it and the link stays Connected throughout, so its status never changes.
    /// </summary>
    private static bool ConnectedOnAnotherSession(MultiNodeNode node, MultiNodeNode peer, long? previous) =>
        node.Node.Remoting.PeerStates.IsAvailable(peer.Id) && ActiveSession(node, peer) is { } current && current != previous;

    /// <summary>
    /// Both links use one open connection: settled. While both nodes redial at once, each may
    /// briefly keep a connection the other is closing, and a reset then finds none to fail.
    /// </summary>
    private static bool OnOneConnection(MultiNodeNode first, MultiNodeNode second) =>
        first.Node.Remoting.Endpoints.Find(second.Id)?.ActiveSession?.Connection is { CloseReason: null } mine
        && second.Node.Remoting.Endpoints.Find(first.Id)?.ActiveSession?.Connection is { CloseReason: null } theirs
        && mine.LocalEndpoint == theirs.RemoteEndpoint
        && mine.RemoteEndpoint == theirs.LocalEndpoint;
}
