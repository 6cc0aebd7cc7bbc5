using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Sync;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Host;
using PeerSync.Sync.Records;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>
/// A <see cref="MultiNodeCluster"/> whose nodes run the sync component on SQLite, with collections
/// `tags` (shared) and `locations` (owned), a short catch-up settle and quick retries, plus the
/// awaits sync tests need (ready, converged digests).
/// </summary>
internal static class SyncTestCluster
{
    public static readonly CollectionName Tags = CollectionName.Parse("tags");
    public static readonly CollectionName Locations = CollectionName.Parse("locations");

    public static Task<MultiNodeCluster> StartAsync(
        int nodes,
        ITestOutputHelper output,
        Action<PeerSyncOptions, int>? configure = null,
        Func<MultiNodeNode, SyncComponentSettings>? settings = null,
        bool start = true,
        LogLevel captureLevel = LogLevel.Information)
    {
        var options = new MultiNodeOptions
        {
            CaptureLevel = captureLevel,
            Configure = (o, i) =>
            {
                o.Sync.Collections["tags"] = new SyncCollectionOptions { Kind = "shared" };
                o.Sync.Collections["locations"] = new SyncCollectionOptions { Kind = "owned" };
                o.Sync.CatchUpSettle = TimeSpan.FromSeconds(1);
                o.Sync.RetryBackoffMax = TimeSpan.FromSeconds(2);
                o.Sync.SendTimeout = TimeSpan.FromSeconds(2);
                configure?.Invoke(o, i);
            },
            Components = node => [new SyncComponent(settings?.Invoke(node))],
        };
        if (!start)
        {
            return Task.FromResult(MultiNodeCluster.Create(nodes, options, output));
        }

        return MultiNodeCluster.StartAsync(nodes, options, output);
    }

    /// <summary>Starts a cluster (as <see cref="StartAsync"/>) whose n1 keeps its records behind a <see cref="FaultyStore"/>; returns that store's control.</summary>
    public static async Task<(MultiNodeCluster Cluster, FaultyStore Control)> StartWithFaultyN1Async(
        int nodes,
        ITestOutputHelper output,
        Action<PeerSyncOptions, int>? configure = null)
    {
        FaultyStore? control = null;
        var cluster = await StartAsync(
            nodes,
            output,
            configure,
            settings: node => new SyncComponentSettings { WrapStore = node.Index == 1 ? store => FaultyStore.Wrap(store, out control) : null });
        return (cluster, control!);
    }

    public static SyncComponent Sync(this MultiNodeNode node) =>
        node.Node.Component<SyncComponent>() ?? throw new InvalidOperationException($"{node} runs no sync component");

    public static SyncHost Host(this MultiNodeNode node) => node.Sync().Host;

    /// <summary>How many times the node's sync coordinator has started (its first start and every restart), read from its log.</summary>
    public static int CoordinatorStarts(this MultiNodeNode node) =>
        node.Logs.Entries.Count(e => e.Message.Contains($"Sync of {node.Id} started", StringComparison.Ordinal));

    public static Task AwaitSyncReadyAsync(this MultiNodeCluster cluster, IEnumerable<MultiNodeNode>? nodes = null, TimeSpan? timeout = null)
    {
        var targets = (nodes ?? cluster.Nodes.Where(n => n.IsAlive)).ToList();
        return cluster.AwaitAsync(
            () => targets.All(n => n.IsAlive && n.Sync().IsReady),
            "sync ready on " + string.Join(", ", targets.Select(n => $"{n.Id}"))
                + " (" + string.Join(", ", targets.Select(n => $"{n.Id}={(n.IsAlive ? n.Sync().State.ToString() : "down")}")) + ")",
            timeout);
    }

    /// <summary>Waits until every node has the same digest of each collection (and at least <paramref name="minCount"/> records in the first).</summary>
    public static async Task AwaitConvergedAsync(this MultiNodeCluster cluster, IReadOnlyList<CollectionName> collections, IEnumerable<MultiNodeNode>? nodes = null, long minCount = 0, TimeSpan? timeout = null)
    {
        var targets = (nodes ?? cluster.Nodes.Where(n => n.IsAlive)).ToList();
        string last = "";
        try
        {
            await cluster.AwaitAsync(
                () =>
                {
                    var digests = targets.Select(n => collections.Select(c => n.Host().Store.GetCollectionDigestAsync(c).GetAwaiter().GetResult()).ToList()).ToList();
                    last = string.Join("; ", targets.Zip(digests, (n, d) => $"{n.Id}: " + string.Join(" ", d.Select(x => $"{x.Collection}={x.Count}/{x.HashHex}"))));
                    return digests.All(d => d.Select(x => (x.Count, x.Hash)).SequenceEqual(digests[0].Select(x => (x.Count, x.Hash)))) && digests[0][0].Count >= minCount;
                },
                "identical digests",
                timeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"not converged: {last}\n{e.Message}");
        }

        cluster.Note("converged: " + last);
    }

    public static Task<PeerSync.Sync.Storage.LocalWriteOutcome> PutAsync(this MultiNodeNode node, CollectionName collection, string key, string json) =>
        node.Host().WriteAsync(collection, RecordKey.Parse(key), json);

    public static Task<PeerSync.Sync.Storage.LocalWriteOutcome> DeleteAsync(this MultiNodeNode node, CollectionName collection, string key) =>
        node.Host().WriteAsync(collection, RecordKey.Parse(key), null);
}
