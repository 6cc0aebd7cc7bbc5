using PeerSync.Persistence.Errors;
using PeerSync.Persistence.InMemory;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.Tck;
using static PeerSync.Persistence.Tests.Tck.TestEvents;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.InMemory;

public sealed class InMemoryFaultsTests
{
    private static readonly PersistenceId A = Id("fault-a");
    private readonly InMemoryFaults _faults = new();
    private readonly InMemoryJournal _journal;
    private readonly InMemorySnapshotStore _snapshots;

    public InMemoryFaultsTests()
    {
        _journal = new InMemoryJournal(_faults);
        _snapshots = new InMemorySnapshotStore(_faults);
    }

    [Fact]
    public async Task FailNext_write_fails_that_write_storing_nothing_and_names_the_id()
    {
        _faults.FailNext(StoreOperation.Write, reason: "disk unplugged");

        var ex = await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.WriteAsync(Write(A, 1, count: 2)));

        Assert.Equal("in-memory store: Write of persistence id 'fault-a' at sequence nr 1 failed: disk unplugged", ex.Message);
        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync(A));
        await _journal.WriteAsync(Write(A, 1, count: 2));
        Assert.Equal([1, 2], await _journal.SequenceNrsAsync(A));
    }

    [Fact]
    public async Task Failed_write_fences_later_writes_of_the_id_until_it_recovers()
    {
        _faults.FailNext(StoreOperation.Write);
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.WriteAsync(Write(A, 1)));

        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.WriteAsync(Write(A, 2)));
        await _journal.WriteAsync(Write(Id("fault-other"), 1));

        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync(A));
        await _journal.WriteAsync(Write(A, 1));
    }

    [Fact]
    public async Task FailNext_counts_calls_and_covers_every_operation()
    {
        _faults.FailNext(StoreOperation.Replay, count: 2);
        _faults.FailNext(StoreOperation.ReadHighestSequenceNr);
        _faults.FailNext(StoreOperation.DeleteMessages);
        _faults.FailNext(StoreOperation.CurrentPersistenceIds);
        _faults.FailNext(StoreOperation.SaveSnapshot);
        _faults.FailNext(StoreOperation.LoadSnapshot);
        _faults.FailNext(StoreOperation.DeleteSnapshot, count: 2);
        var metadata = new SnapshotMetadata(A, 1, 1);

        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.ReplayAllAsync(A));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.ReplayAllAsync(A));
        Assert.Empty(await _journal.ReplayAllAsync(A));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.ReadHighestSequenceNrAsync(A));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.DeleteMessagesToAsync(A, 1));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _journal.CurrentPersistenceIdsAsync());
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _snapshots.SaveAsync(metadata, new SerializedPayload(1, "", [])));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _snapshots.DeleteAsync(metadata));
        await Assert.ThrowsAsync<PersistenceStorageException>(() => _snapshots.DeleteAsync(A, SnapshotSelectionCriteria.Latest));
        Assert.Null(await _snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Clear_forgets_pending_faults()
    {
        _faults.FailNext(StoreOperation.Write, count: 3);

        _faults.Clear();

        await _journal.WriteAsync(Write(A, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _faults.FailNext(StoreOperation.Write, count: 0));
    }
}
