using PeerSync.Persistence.Model;
using PeerSync.Persistence.Snapshots;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.InMemory;

/// <summary>A snapshot store in memory, for tests; the same contract as the SQL stores. Thread-safe.</summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PersistenceId, SortedDictionary<long, SelectedSnapshot>> _snapshots = [];

    public InMemorySnapshotStore(InMemoryFaults? faults = null) => Faults = faults ?? new InMemoryFaults();

    /// <summary>Faults to inject into the next calls.</summary>
    public InMemoryFaults Faults { get; }

    public Task SaveAsync(SnapshotMetadata metadata, SerializedPayload snapshot, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(metadata, snapshot);
        if (Faults.Take(StoreOperation.SaveSnapshot, metadata.PersistenceId, metadata.SequenceNr) is { } fault)
        {
            return Task.FromException(fault);
        }

        lock (_gate)
        {
            if (!_snapshots.TryGetValue(metadata.PersistenceId, out var byId))
            {
                _snapshots[metadata.PersistenceId] = byId = new SortedDictionary<long, SelectedSnapshot>();
            }

            byId[metadata.SequenceNr] = new SelectedSnapshot(metadata, snapshot);
        }

        return Task.CompletedTask;
    }

    public Task<SelectedSnapshot?> LoadAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        if (Faults.Take(StoreOperation.LoadSnapshot, persistenceId, criteria.MaxSequenceNr) is { } fault)
        {
            return Task.FromException<SelectedSnapshot?>(fault);
        }

        lock (_gate)
        {
            var found = _snapshots.TryGetValue(persistenceId, out var byId)
                ? byId.Values.LastOrDefault(s => criteria.Matches(s.Metadata))
                : null;
            return Task.FromResult(found);
        }
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (Faults.Take(StoreOperation.DeleteSnapshot, metadata.PersistenceId, metadata.SequenceNr) is { } fault)
        {
            return Task.FromException(fault);
        }

        lock (_gate)
        {
            if (_snapshots.TryGetValue(metadata.PersistenceId, out var byId))
            {
                byId.Remove(metadata.SequenceNr);
            }
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        SnapshotArguments.Check(persistenceId, criteria);
        if (Faults.Take(StoreOperation.DeleteSnapshot, persistenceId, criteria.MaxSequenceNr) is { } fault)
        {
            return Task.FromException(fault);
        }

        lock (_gate)
        {
            if (_snapshots.TryGetValue(persistenceId, out var byId))
            {
                foreach (var seq in byId.Values.Where(s => criteria.Matches(s.Metadata)).Select(s => s.Metadata.SequenceNr).ToList())
                {
                    byId.Remove(seq);
                }
            }
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
