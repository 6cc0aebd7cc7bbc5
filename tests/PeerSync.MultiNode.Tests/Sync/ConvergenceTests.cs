using PeerSync.Hosting.Api;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;
using static PeerSync.MultiNode.Tests.Sync.SyncTestCluster;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>Records replicate between real nodes (loopback TCP, SQLite) and converge.</summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Concurrent writers on every node, on a shared collection (with conflicting keys) and an owned
    /// one: every node ends with the same content, and conflicting keys hold the same winner
    /// everywhere: the write with the greatest (HLC, origin).
    /// </summary>
    [Fact]
    public async Task Three_nodes_with_concurrent_writers_converge_to_identical_digests_and_the_same_lww_winner()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();

        var writers = cluster.Nodes.Select(node => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await node.PutAsync(Tags, $"own-{node.Id}-{i}", $"{{\"i\":{i}}}");
                await node.PutAsync(Tags, $"shared-{i % 20}", $"{{\"by\":\"{node.Id}\",\"i\":{i}}}");
                await node.PutAsync(Locations, $"loc-{node.Id}-{i % 50}", $"{{\"i\":{i}}}");
            }
        })).ToList();
        await Task.WhenAll(writers);

        await cluster.AwaitConvergedAsync([Tags, Locations], minCount: 920);
        for (var k = 0; k < 20; k++)
        {
            var versions = cluster.Nodes.Select(n => n.Host().Store.GetVersionAsync(Tags, RecordKey.Parse($"shared-{k}")).GetAwaiter().GetResult()!).ToList();
            Assert.All(versions, v => Assert.Equal(versions[0].Stamp, v.Stamp));
            Assert.All(versions, v => Assert.Equal(versions[0].Value, v.Value));
        }

        Assert.Equal(150, (await cluster["n1"].Host().Store.GetCollectionDigestAsync(Locations)).Count);
    }

    [Fact]
    public async Task An_owned_record_written_by_a_non_owner_is_refused_with_a_clear_error()
    {
        await using var cluster = await SyncTestCluster.StartAsync(2, output);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        await n1.Sync().Records.PutAsync("locations", "home", "{\"lat\":1}", CancellationToken.None);
        await cluster.AwaitAsync(() => n2.Sync().Records.GetAsync("locations", "home", CancellationToken.None).GetAwaiter().GetResult() is not null, "n2 has n1's record");

        var refused = await Assert.ThrowsAsync<RecordNotOwnedException>(() => n2.Sync().Records.PutAsync("locations", "home", "{\"lat\":2}", CancellationToken.None));

        Assert.Equal("n1", refused.Owner);
        Assert.Contains("belongs to node 'n1'", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RecordNotOwnedException>(() => n2.Sync().Records.DeleteAsync("locations", "home", CancellationToken.None));
        Assert.Equal("{\"lat\":1}", (await n2.Sync().Records.GetAsync("locations", "home", CancellationToken.None))!.ValueJson);
        await Assert.ThrowsAsync<InvalidNameException>(() => n2.Sync().Records.PutAsync("Bad Name", "k", "1", CancellationToken.None));
    }

    /// <summary>A graceful stop refuses new writes, sends what the batch window still held and waits for the acknowledgements before the node leaves.</summary>
    [Fact]
    public async Task A_graceful_stop_flushes_pending_changes_to_the_peers_before_leaving()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, (o, _) =>
        {
            o.Sync.BatchWindow = TimeSpan.FromSeconds(10);
            o.Sync.SendTimeout = TimeSpan.FromSeconds(20);
        });
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var host = n2.Host();

        // A 10 s window: without the flush the change would still wait in n2's batcher when it leaves.
        Assert.True((await n2.PutAsync(Tags, "last-words", "1")).IsWritten);
        await cluster.StopAsync(n2);

        Assert.NotNull(await n1.Host().Store.GetAsync(Tags, RecordKey.Parse("last-words")));
        Assert.Contains(n2.Logs.Entries, e => e.Message.Contains("flushed for stop", StringComparison.Ordinal) && e.Message.Contains("True", StringComparison.Ordinal));
        await Assert.ThrowsAsync<PeerSync.Sync.Host.SyncNotReadyException>(() => host.WriteAsync(Tags, RecordKey.Parse("too-late"), "1"));
    }

    /// <summary>
    /// The change feed yields local and replicated changes in apply order, from a position, and
    /// resumes after the last one seen. It is state-based (the newest state of each record), so the
    /// test lets the reader see each change before the next one touches the same record.
    /// </summary>
    [Fact]
    public async Task The_change_feed_yields_applied_changes_from_a_position()
    {
        await using var cluster = await SyncTestCluster.StartAsync(2, output);
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n2) = (cluster["n1"], cluster["n2"]);
        var records = n2.Sync().Records;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ChangeView>();
        int Seen()
        {
            lock (seen)
            {
                return seen.Count;
            }
        }

        var changes = records.ChangesAsync(null, timeout.Token);
        var feed = Task.Run(async () =>
        {
            await foreach (var change in changes)
            {
                lock (seen)
                {
                    seen.Add(change);
                }

                if (Seen() == 3)
                {
                    return;
                }
            }
        });

        await n2.PutAsync(Tags, "local", "1");
        await cluster.AwaitAsync(() => Seen() == 1, "the feed shows the local write");
        await n1.PutAsync(Tags, "remote", "2");
        await cluster.AwaitAsync(() => Seen() == 2, "the feed shows the replicated write");
        await n2.DeleteAsync(Tags, "local");
        await feed;

        Assert.Equal([("local", "n2", false), ("remote", "n1", false), ("local", "n2", true)], seen.Select(c => (c.Key, c.Origin, c.Deleted)));
        Assert.True(seen[0].Position < seen[1].Position && seen[1].Position < seen[2].Position);
        var replay = new List<ChangeView>();
        await foreach (var change in records.ChangesAsync(seen[0].Position, timeout.Token))
        {
            replay.Add(change);
            if (replay.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([("remote", false), ("local", true)], replay.Select(c => (c.Key, c.Deleted)));
    }

    /// <summary>A full write queue refuses at once (503 with the reason) instead of growing without bound; the writes it took still commit.</summary>
    [Fact]
    public async Task Writes_beyond_the_pending_bound_are_refused_with_back_pressure()
    {
        await using var cluster = await SyncTestCluster.StartAsync(1, output, configure: (o, _) => o.Sync.MaxPendingWrites = 1);
        await cluster.AwaitSyncReadyAsync();
        var records = cluster["n1"].Sync().Records;

        var writes = Enumerable.Range(0, 200).Select(i => records.PutAsync("tags", $"k{i}", "1", CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return (string?)null;
            }
            catch (NodeNotReadyException e)
            {
                return e.Reason;
            }
        }));

        var refused = outcomes.Where(r => r is not null).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Contains("writes are already waiting", r, StringComparison.Ordinal));
        Assert.Equal(200 - refused.Count, (await records.DigestAsync("tags", CancellationToken.None)).Count);
    }

    /// <summary>`/v1/sync/peers` and `/v1/sync/status` as the HTTP layer gets them: a peer that is away shows its outbound queue (what it has not acknowledged).</summary>
    [Fact]
    public async Task The_sync_api_reports_each_peers_state_and_outbound_queue_and_the_nodes_status()
    {
        await using var cluster = await SyncTestCluster.StartAsync(3, output, (o, _) => o.Cluster.Downing.StableAfter = TimeSpan.FromSeconds(60));
        await cluster.AwaitConvergenceAsync();
        await cluster.AwaitSyncReadyAsync();
        var (n1, n3) = (cluster["n1"], cluster["n3"]);
        var sync = n1.Sync().Sync;

        await cluster.KillAsync(n3);
        await CatchUpTests.WriteAsync(n1, 0, 50);

        // Owned records count too: the latest version of each (two writes of one record are one change to send).
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await n1.PutAsync(Locations, $"truck-{i}", "{\"lat\":1}")).IsWritten);
        }

        Assert.True((await n1.PutAsync(Locations, "truck-0", "{\"lat\":2}")).IsWritten);
        await cluster.AwaitAsync(
            () => sync.Peers().Any(p => p.Id == "n3" && p.OutboundQueue == 55 && p.State == "disconnected")
                && sync.Peers().Any(p => p.Id == "n2" && p.OutboundQueue == 0 && p.State == "connected" && p.AckedWatermark.ContainsKey("n1")),
            "n1 reports n3's queue of 50 shared and 5 owned changes, and n2 caught up");

        var status = sync.Status();
        Assert.Equal(("Ready", true, "leader"), (status.State, status.Ready, status.Mode));
        await cluster.AwaitAsync(() => sync.Status().Records == 55 && sync.Status().LogEntries == 50, "status counts records and the log held for n3");
        Assert.True(n1.Sync().IsReady);
        Assert.Null(n1.Sync().NotReadyReason);
    }
}
