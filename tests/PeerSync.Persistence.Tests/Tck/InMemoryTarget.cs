using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.InMemory;

namespace PeerSync.Persistence.Tests.Tck;

public sealed class InMemoryTarget : StoreTarget
{
    private readonly InMemoryFaults _faults = new();
    private readonly InMemoryJournal _journal;
    private readonly InMemorySnapshotStore _snapshots;

    public InMemoryTarget()
    {
        _journal = new InMemoryJournal(_faults);
        _snapshots = new InMemorySnapshotStore(_faults);
    }

    public InMemoryFaults Faults => _faults;

    public override Task<PersistenceStores> OpenAsync(JournalOptions? journal = null) =>
        Task.FromResult(new PersistenceStores(PersistenceFactory.InMemory, "memory", _journal, _snapshots, null));

    public override Task ExecuteSqlAsync(string sql) =>
        throw new NotSupportedException("the in-memory store has no SQL");

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
