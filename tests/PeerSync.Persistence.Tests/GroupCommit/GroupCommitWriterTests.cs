using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Model;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.GroupCommit;

public sealed class GroupCommitWriterTests
{
    private static readonly PersistenceId A = Id("gc-a");
    private static readonly PersistenceId B = Id("gc-b");

    private readonly FakeBackend _backend = new();

    private GroupCommitWriter Writer(int maxBatchEvents = 1000, int maxPendingWrites = 100) =>
        new(_backend, new JournalOptions { MaxBatchEvents = maxBatchEvents, MaxPendingWrites = maxPendingWrites }, NullLogger.Instance, "test");

    private static IEnumerable<string> Names(IEnumerable<AtomicWrite> writes) => writes.Select(w => w.ToString());

    [Fact]
    public async Task Writer_commits_a_lone_write_at_once_in_a_batch_of_its_own()
    {
        await using var writer = Writer();

        await writer.WriteAsync(Write(A, 1), CancellationToken.None);

        Assert.Equal([[Write(A, 1).ToString()]], _backend.Batches.Select(b => Names(b).ToList()));
    }

    [Fact]
    public async Task Writer_batches_the_writes_queued_during_a_commit_into_the_next_one_in_order()
    {
        await using var writer = Writer();
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(A, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();

        var queued = Enumerable.Range(0, 10).Select(i => writer.WriteAsync(Write(Id($"gc-{i}"), 1), CancellationToken.None)).ToList();
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        _backend.Release();
        await Task.WhenAll(queued.Append(first));

        Assert.Equal(2, _backend.Batches.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Write(Id($"gc-{i}"), 1).ToString()), Names(_backend.Batches[1]));
    }

    [Fact]
    public async Task Writer_bounds_a_batch_by_events_and_commits_an_oversized_write_alone()
    {
        await using var writer = Writer(maxBatchEvents: 4);
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(A, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();

        var tasks = Enumerable.Range(2, 10).Select(seq => writer.WriteAsync(Write(A, seq), CancellationToken.None)).ToList();
        tasks.Add(writer.WriteAsync(Write(A, 12, count: 6), CancellationToken.None));
        _backend.Release();
        await Task.WhenAll(tasks.Append(first));

        Assert.Equal([1, 4, 4, 2, 1], _backend.Batches.Select(b => b.Count));
        Assert.Equal(6, _backend.Batches[^1][0].Events.Count);
    }

    [Fact]
    public async Task Writer_fails_only_the_rejected_write_of_a_batch()
    {
        await using var writer = Writer();
        _backend.Respond = batch => batch.Select(w => w.PersistenceId == B ? new SequenceNrConflictException(w) : null).ToArray<Exception?>();
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(A, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();

        var before = writer.WriteAsync(Write(A, 2), CancellationToken.None);
        var rejected = writer.WriteAsync(Write(B, 1), CancellationToken.None);
        var after = writer.WriteAsync(Write(A, 3), CancellationToken.None);
        _backend.Release();

        await Task.WhenAll(first, before, after);
        var ex = await Assert.ThrowsAsync<SequenceNrConflictException>(() => rejected);
        Assert.Equal(B, ex.PersistenceId);
    }

    [Fact]
    public async Task Writer_fails_the_whole_batch_naming_each_write_when_the_transaction_fails()
    {
        await using var writer = Writer();
        _backend.Respond = _ => throw new IOException("disk on fire");
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(B, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();
        var a = writer.WriteAsync(Write(A, 1, count: 3), CancellationToken.None);
        _backend.Release();

        var ex = await Assert.ThrowsAsync<PersistenceStorageException>(() => a);
        await Assert.ThrowsAsync<PersistenceStorageException>(() => first);

        Assert.Equal(A, ex.PersistenceId);
        Assert.Equal(1, ex.SequenceNr);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Contains("'gc-a' sequence nrs 1..3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_refuses_later_writes_of_an_id_whose_write_failed_until_it_recovers()
    {
        // A failed write's outcome is unknown; a queued successor must not commit after a gap.
        await using var writer = Writer();
        _backend.Respond = batch => batch.Any(w => w.LowestSequenceNr == 1 && w.PersistenceId == A) ? throw new IOException("lost") : new Exception?[batch.Count];
        await Assert.ThrowsAsync<PersistenceStorageException>(() => writer.WriteAsync(Write(A, 1), CancellationToken.None));
        var batchesAfterFailure = _backend.Batches.Count;

        var refused = await Assert.ThrowsAsync<PersistenceStorageException>(() => writer.WriteAsync(Write(A, 2), CancellationToken.None));
        await writer.WriteAsync(Write(B, 1), CancellationToken.None);

        Assert.Contains("an earlier write of this id (from sequence nr 1) failed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_backend.Batches.Skip(batchesAfterFailure), b => b.Any(w => w.PersistenceId == A));
        writer.Fence.Clear(A);
        await writer.WriteAsync(Write(A, 2), CancellationToken.None);
    }

    [Fact]
    public async Task Writer_makes_callers_wait_for_room_in_call_order_when_the_queue_is_full()
    {
        await using var writer = Writer(maxBatchEvents: 1, maxPendingWrites: 2);
        _backend.HoldNext();
        var tasks = new List<Task> { writer.WriteAsync(Write(A, 1), CancellationToken.None) };
        await _backend.WaitForBatchAsync();

        for (var seq = 2; seq <= 6; seq++)
        {
            tasks.Add(writer.WriteAsync(Write(A, seq), CancellationToken.None));
        }

        Assert.Equal(2, writer.QueueDepth);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));
        _backend.Release();
        await Task.WhenAll(tasks);

        Assert.Equal(Range(1, 6), _backend.Batches.SelectMany(b => b).Select(w => w.LowestSequenceNr));
    }

    [Fact]
    public async Task Writer_drops_only_the_cancelled_caller_that_waited_for_room()
    {
        await using var writer = Writer(maxBatchEvents: 1, maxPendingWrites: 1);
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(A, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();
        var queued = writer.WriteAsync(Write(A, 2), CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = writer.WriteAsync(Write(B, 1), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        _backend.Release();
        await Task.WhenAll(first, queued);
        Assert.DoesNotContain(_backend.Batches.SelectMany(b => b), w => w.PersistenceId == B);
    }

    [Fact]
    public async Task Dispose_commits_the_queued_writes_then_refuses_new_ones()
    {
        var writer = Writer();
        _backend.HoldNext();
        var first = writer.WriteAsync(Write(A, 1), CancellationToken.None);
        await _backend.WaitForBatchAsync();
        var queued = writer.WriteAsync(Write(A, 2), CancellationToken.None);

        var disposing = writer.DisposeAsync().AsTask();
        _backend.Release();
        await disposing;

        await Task.WhenAll(first, queued);
        var ex = await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(Write(A, 3), CancellationToken.None));
        Assert.Contains("AtomicWrite(gc-a, 3..3) was not written", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_fails_the_batch_when_the_backend_answers_for_the_wrong_number_of_writes()
    {
        await using var writer = Writer();
        _backend.Respond = _ => [];

        var ex = await Assert.ThrowsAsync<PersistenceStorageException>(() => writer.WriteAsync(Write(A, 1), CancellationToken.None));

        Assert.Contains("returned 0 results for a batch of 1", ex.Message, StringComparison.Ordinal);
    }
}
