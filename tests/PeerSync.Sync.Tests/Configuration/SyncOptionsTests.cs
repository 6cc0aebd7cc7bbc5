using PeerSync.Sync.Configuration;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Tests.Configuration;

public sealed class SyncOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new SyncOptions();
        Assert.Empty(options.Validate());
        var config = options.ToConfig();
        Assert.Equal(SyncMode.Leader, config.Mode);
        Assert.Equal(100, config.Batcher.WindowMs);
        Assert.Equal(60_000, config.Clock.MaxClockSkewMs);
        Assert.Equal(CollectionKind.Shared, config.Catalog.DefaultKind);
        Assert.Equal(config.Catalog.Fingerprint, config.Peer.CatalogFingerprint);
    }

    [Fact]
    public void Validate_names_each_offending_key()
    {
        var options = new SyncOptions
        {
            Mode = "chaos",
            BatchWindow = TimeSpan.Zero,
            MaxBatch = 0,
            DefaultKind = "weird",
            RetryBackoffMin = TimeSpan.FromSeconds(10),
            RetryBackoffMax = TimeSpan.FromSeconds(1),
        };
        options.Collections["Bad Name"] = new SyncCollectionOptions { Kind = "owned" };
        var errors = options.Validate();
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.mode is 'chaos'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.batch-window", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.max-batch is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.default-kind is 'weird'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.retry-backoff-max", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.collections.Bad Name", StringComparison.Ordinal));
        var thrown = Assert.Throws<InvalidOperationException>(options.ToConfig);
        Assert.Contains("peersync.sync.mode", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequenced_collections_are_refused_with_the_key_in_either_mode()
    {
        var leaderless = new SyncOptions { Mode = "leaderless" };
        leaderless.Collections["orders"] = new SyncCollectionOptions { Kind = "sequenced" };
        var error = Assert.Single(leaderless.Validate());
        Assert.Contains("peersync.sync.collections.orders.kind is 'sequenced', which needs a leader", error, StringComparison.Ordinal);

        var leader = new SyncOptions { Mode = "leader" };
        leader.Collections["orders"] = new SyncCollectionOptions { Kind = "sequenced" };
        leader.Collections["places"] = new SyncCollectionOptions { Kind = "owned" };
        error = Assert.Single(leader.Validate());
        Assert.Contains("peersync.sync.collections.orders.kind is 'sequenced': sequenced collections are not available in this release", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_names_the_host_limits_when_out_of_range()
    {
        var options = new SyncOptions { RetireAfterRemoval = TimeSpan.Zero, MaxPendingWrites = 0, ShutdownFlushTimeout = TimeSpan.FromSeconds(-1) };
        var errors = options.Validate();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.retire-after-removal", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.max-pending-writes is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("peersync.sync.shutdown-flush-timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Send_timeout_must_exceed_the_batch_window()
    {
        var options = new SyncOptions { SendTimeout = TimeSpan.FromMilliseconds(50) };
        Assert.Contains(options.Validate(), e => e.Contains("send-timeout", StringComparison.Ordinal) && e.Contains("batch-window", StringComparison.Ordinal));
    }
}
