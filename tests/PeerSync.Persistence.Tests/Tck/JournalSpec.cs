using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;
using static PeerSync.Persistence.Tests.Tck.TestEvents;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// The journal conformance suite: every provider passes these unchanged (a small subclass per
/// provider supplies the storage). Each test has its own storage and persistence ids.
/// </summary>
public abstract class JournalSpec : StoreSpec
{
    private static readonly PersistenceId A = Id("spec-a");
    private static readonly PersistenceId B = Id("spec-b");

    [StoreFact]
    public async Task Replay_returns_every_field_in_order_when_events_were_written_one_by_one()
    {
        await Journal.WriteEachAsync(A, 1, 5);

        var replayed = await Journal.ReplayAllAsync(A);

        Assert.Equal(Range(1, 5).Select(s => Event(A, s)), replayed);
    }

    [StoreFact]
    public async Task Replay_round_trips_binary_payloads_and_unusual_text_exactly()
    {
        var id = Id("spec/ünïcode id with spaces");
        byte[] binary = [0, 255, 0, 1, 127, 128, 0];
        var events = new[]
        {
            new PersistentRepr(id, 1, new SerializedPayload(-5, "", binary), 0, ""),
            new PersistentRepr(id, 2, new SerializedPayload(int.MaxValue, "Manifest-ü-\"quoted\"", []), long.MaxValue, "writer ✓"),
            new PersistentRepr(id, 3, new SerializedPayload(0, new string('m', 2000), new byte[100_000]), -1, new string('w', 300)),
        };
        await Journal.WriteAsync(new AtomicWrite(events));

        Assert.Equal(events, await Journal.ReplayAllAsync(id));
    }

    [StoreFact]
    public async Task Replay_honours_the_range_bounds_and_the_maximum_count()
    {
        await Journal.WriteEachAsync(A, 1, 10);

        Assert.Equal(Range(3, 7), await Journal.SequenceNrsAsync(A, from: 3, to: 7));
        Assert.Equal(Range(1, 10), await Journal.SequenceNrsAsync(A, from: 0));
        Assert.Equal(Range(4, 6), await Journal.SequenceNrsAsync(A, from: 4, max: 3));
        Assert.Equal([10], await Journal.SequenceNrsAsync(A, from: 10, to: 10));
        Assert.Empty(await Journal.SequenceNrsAsync(A, from: 11));
        Assert.Empty(await Journal.SequenceNrsAsync(A, from: 7, to: 6));
        Assert.Empty(await Journal.SequenceNrsAsync(A, max: 0));
        Assert.Empty(await Journal.SequenceNrsAsync(Id("spec-never-written")));
    }

    [StoreFact]
    public async Task Replay_rejects_negative_bounds_naming_the_persistence_id()
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.ReplayAllAsync(A, from: -1));
        Assert.Contains("spec-a", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.ReplayAllAsync(A, to: -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.ReplayAllAsync(A, max: -1));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.ReadHighestSequenceNrAsync(default));
    }

    [StoreFact]
    public async Task AtomicWrite_stores_nothing_when_one_of_its_sequence_nrs_conflicts()
    {
        await Journal.WriteAsync(Write(A, 2));

        var ex = await Assert.ThrowsAsync<SequenceNrConflictException>(() => Journal.WriteAsync(Write(A, 1, count: 3)));

        Assert.Equal(A, ex.PersistenceId);
        Assert.Equal(1, ex.SequenceNr);
        Assert.Equal(3, ex.HighestSequenceNr);
        Assert.Contains("'spec-a' sequence nrs 1..3", ex.Message, StringComparison.Ordinal);
        Assert.Equal([2], await Journal.SequenceNrsAsync(A));
    }

    [StoreFact]
    public async Task AtomicWrite_larger_than_a_batch_is_stored_whole()
    {
        await Journal.WriteAsync(Write(A, 1, count: 2500));

        Assert.Equal(Range(1, 2500), await Journal.SequenceNrsAsync(A));
    }

    [StoreFact]
    public async Task Conflicting_write_fails_alone_when_queued_together_with_others()
    {
        // Issued without awaiting, so the SQL journals take them into one group-commit batch.
        await Journal.WriteAsync(Write(B, 1));
        var tasks = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            tasks.Add(Journal.WriteAsync(Write(Id($"spec-many-{i}"), 1, count: 2)));
            if (i == 10)
            {
                tasks.Add(Journal.WriteAsync(Write(B, 1, count: 2)));
            }
        }

        var conflict = tasks[11];
        await Assert.ThrowsAsync<SequenceNrConflictException>(() => conflict);
        await Task.WhenAll(tasks.Where(t => t != conflict));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal([1, 2], await Journal.SequenceNrsAsync(Id($"spec-many-{i}")));
        }

        Assert.Equal([1], await Journal.SequenceNrsAsync(B));
    }

    [StoreFact]
    public async Task Writes_complete_in_the_order_they_were_issued_when_not_awaited_one_by_one()
    {
        // PersistAsync issues writes without awaiting: when one completes, all earlier ones have.
        const int count = 300;
        var writes = new Task[count];
        var checks = new Task[count];
        var outOfOrder = 0;
        for (var i = 0; i < count; i++)
        {
            var earlier = i;
            writes[i] = Journal.WriteAsync(Write(A, i + 1));
            checks[i] = writes[i].ContinueWith(
                t =>
                {
                    t.GetAwaiter().GetResult();
                    for (var j = 0; j < earlier; j++)
                    {
                        if (!writes[j].IsCompleted)
                        {
                            Interlocked.Increment(ref outOfOrder);
                        }
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        await Task.WhenAll(checks);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(Range(1, count), await Journal.SequenceNrsAsync(A));
    }

    [StoreFact]
    public async Task Many_persistence_ids_written_concurrently_each_replay_complete_and_in_order()
    {
        const int ids = 40;
        const int writesPerId = 15;
        await Task.WhenAll(Enumerable.Range(0, ids).Select(i => Task.Run(async () =>
        {
            var id = Id($"spec-concurrent-{i}");
            for (var seq = 1; seq <= writesPerId * 2; seq += 2)
            {
                await Journal.WriteAsync(Write(id, seq, count: 2));
            }
        })));

        for (var i = 0; i < ids; i++)
        {
            var id = Id($"spec-concurrent-{i}");
            Assert.Equal(Range(1, writesPerId * 2).Select(s => Event(id, s)), await Journal.ReplayAllAsync(id));
            Assert.Equal(writesPerId * 2, await Journal.ReadHighestSequenceNrAsync(id));
        }
    }

    [StoreFact]
    public async Task ReadHighestSequenceNr_is_zero_for_an_unknown_id_and_the_highest_written_otherwise()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(A));
        await Journal.WriteAsync(Write(A, 1, count: 4));
        await Journal.WriteAsync(Write(B, 1, count: 9));

        Assert.Equal(4, await Journal.ReadHighestSequenceNrAsync(A));
        Assert.Equal(9, await Journal.ReadHighestSequenceNrAsync(B, fromSequenceNr: 3));
        Assert.Equal(20, await Journal.ReadHighestSequenceNrAsync(A, fromSequenceNr: 20));
    }

    [StoreFact]
    public async Task DeleteMessagesTo_removes_the_prefix_and_keeps_the_rest()
    {
        await Journal.WriteEachAsync(A, 1, 10);
        await Journal.WriteEachAsync(B, 1, 3);

        await Journal.DeleteMessagesToAsync(A, 4);

        Assert.Equal(Range(5, 10), await Journal.SequenceNrsAsync(A));
        Assert.Equal(Range(1, 3), await Journal.SequenceNrsAsync(B));
        Assert.Equal(10, await Journal.ReadHighestSequenceNrAsync(A));
    }

    [StoreFact]
    public async Task ReadHighestSequenceNr_stays_correct_when_every_event_was_deleted()
    {
        await Journal.WriteEachAsync(A, 1, 6);

        await Journal.DeleteMessagesToAsync(A, long.MaxValue);

        Assert.Empty(await Journal.SequenceNrsAsync(A));
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync(A));
        await Journal.WriteAsync(Write(A, 7));
        await Journal.DeleteMessagesToAsync(A, 7);
        Assert.Equal(7, await Journal.ReadHighestSequenceNrAsync(A));
    }

    [StoreFact]
    public async Task DeleteMessagesTo_changes_nothing_for_an_unknown_id_or_a_bound_below_the_first_event()
    {
        await Journal.WriteEachAsync(A, 3, 5);

        await Journal.DeleteMessagesToAsync(A, 2);
        await Journal.DeleteMessagesToAsync(Id("spec-unknown"), 100);

        Assert.Equal(Range(3, 5), await Journal.SequenceNrsAsync(A));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(Id("spec-unknown")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.DeleteMessagesToAsync(A, -1));
    }

    [StoreFact]
    public async Task Writes_continue_after_a_delete_from_the_kept_highest_sequence_nr()
    {
        await Journal.WriteEachAsync(A, 1, 3);
        await Journal.DeleteMessagesToAsync(A, 3);

        var next = await Journal.ReadHighestSequenceNrAsync(A) + 1;
        await Journal.WriteAsync(Write(A, next, count: 2));

        Assert.Equal([4, 5], await Journal.SequenceNrsAsync(A));
    }

    [StoreFact]
    public async Task CurrentPersistenceIds_lists_every_id_in_ordinal_order_including_fully_deleted_ones()
    {
        Assert.Empty(await Journal.CurrentPersistenceIdsAsync());
        var names = new[] { "spec-b", "spec-a", "Spec-Z", "spec-deleted", "spec-a2" };
        foreach (var name in names)
        {
            await Journal.WriteEachAsync(Id(name), 1, 2);
        }

        await Journal.DeleteMessagesToAsync(Id("spec-deleted"), long.MaxValue);

        var ids = await Journal.CurrentPersistenceIdsAsync();
        Assert.Equal(names.Order(StringComparer.Ordinal), ids.Select(i => i.Value));
    }

    [StoreFact]
    public async Task EventsByPersistenceId_returns_the_stored_range_and_ends()
    {
        await Journal.WriteEachAsync(A, 1, 8);

        var seen = new List<long>();
        await foreach (var e in Journal.EventsByPersistenceIdAsync(A, 6, long.MaxValue))
        {
            seen.Add(e.SequenceNr);
        }

        Assert.Equal(Range(6, 8), seen);
    }

    [StoreFact]
    public async Task Stored_events_survive_closing_and_reopening_the_journal()
    {
        await Journal.WriteEachAsync(A, 1, 3);
        await Journal.DeleteMessagesToAsync(A, 1);

        await ReopenAsync();

        Assert.Equal([2, 3], await Journal.SequenceNrsAsync(A));
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync(A));
    }

    [StoreFact]
    public async Task Small_batches_still_store_every_write_when_many_callers_write_at_once()
    {
        // A batch bound of 3 events forces many transactions; none may lose or reorder a write.
        await Stores.DisposeAsync();
        await using var stores = await Target.OpenAsync(new JournalOptions { MaxBatchEvents = 3, MaxPendingWrites = 4 });
        var tasks = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            for (var seq = 1; seq <= 10; seq++)
            {
                await stores.Journal.WriteAsync(Write(Id($"spec-small-{i}"), seq));
            }
        }));
        await Task.WhenAll(tasks);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Range(1, 10), await stores.Journal.SequenceNrsAsync(Id($"spec-small-{i}")));
        }
    }
}
