using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Batching;

public sealed class BatcherMachineTests
{
    private static readonly OriginId A = Origin("a");

    private static BatcherMachine Batcher(int maxBatch = 3) => new(new BatcherConfig(100, maxBatch, 1000), A, H(1), 0);

    [Fact]
    public void Batcher_releases_a_batch_when_the_window_of_its_first_change_ends()
    {
        var batcher = Batcher();
        batcher.Add(Shared("tags", "x", "1", A, H(10)), 0);
        batcher.Add(Shared("tags", "y", "1", A, H(11)), 60);
        batcher.Tick(99);
        Assert.False(batcher.HasReady);
        Assert.Equal(100, batcher.NextDeadlineMs);
        batcher.Tick(100);
        var batch = Assert.Single(batcher.TakeReady());
        Assert.Equal(H(1), batch.Range.FromExclusive);
        Assert.Equal(H(11), batch.Range.ThroughInclusive);
        Assert.Equal(2, batch.Range.Count);
        Assert.Null(batch.Range.Validate());
    }

    [Fact]
    public void Batcher_releases_at_once_when_max_batch_is_reached()
    {
        var batcher = Batcher(maxBatch: 2);
        batcher.Add(Shared("tags", "x", "1", A, H(10)), 0);
        batcher.Add(Shared("tags", "y", "1", A, H(11)), 1);
        batcher.Add(Shared("tags", "z", "1", A, H(12)), 2);
        var batch = Assert.Single(batcher.TakeReady());
        Assert.Equal(2, batch.Range.Count);
        Assert.Equal(1, batcher.PendingCount);
        batcher.Tick(102);
        var next = Assert.Single(batcher.TakeReady());
        Assert.Equal(batch.Range.ThroughInclusive, next.Range.FromExclusive);
    }

    [Fact]
    public void Batcher_coalesces_changes_to_the_same_owned_record_within_a_window()
    {
        var batcher = Batcher();
        batcher.Add(Owned("places", "p", "1", A, H(10)), 0);
        batcher.Add(Shared("tags", "t", "1", A, H(11)), 0);
        batcher.Add(Owned("places", "p", "2", A, H(12)), 0);
        batcher.Add(Owned("places", "p", "3", A, H(13)), 0);
        batcher.Tick(100);
        var batch = Assert.Single(batcher.TakeReady());
        Assert.Equal(["t", "p"], batch.Range.Changes.Select(c => c.Key.Value));
        Assert.Equal("3", batch.Range.Changes[^1].Value);
        Assert.Equal(H(13), batch.Range.ThroughInclusive);
        Assert.Null(batch.Range.Validate());
    }

    [Fact]
    public void Batcher_asks_for_a_seal_when_idle_and_releases_an_empty_range()
    {
        var batcher = Batcher();
        batcher.Tick(999);
        Assert.False(batcher.SealRequested);
        batcher.Tick(1000);
        Assert.True(batcher.SealRequested);
        Assert.Null(batcher.NextDeadlineMs);
        batcher.Sealed(H(50), 1000);
        var batch = Assert.Single(batcher.TakeReady());
        Assert.Empty(batch.Range.Changes);
        Assert.Equal(H(50), batch.Range.ThroughInclusive);
        Assert.False(batcher.SealRequested);
    }

    [Fact]
    public void Batcher_refuses_changes_out_of_order_or_of_another_origin()
    {
        var batcher = Batcher();
        batcher.Add(Shared("tags", "x", "1", A, H(10)), 0);
        Assert.Throws<InvalidOperationException>(() => batcher.Add(Shared("tags", "y", "1", A, H(10)), 0));
        Assert.Throws<ArgumentException>(() => batcher.Add(Shared("tags", "y", "1", Origin("b"), H(20)), 0));
        Assert.Throws<InvalidOperationException>(() => batcher.Sealed(H(5), 0));
    }
}
