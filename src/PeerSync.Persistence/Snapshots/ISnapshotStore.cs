using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Snapshots;

/// <summary>
/// Snapshots of persistent state, at most one per (persistence id, sequence nr). Errors are
/// <see cref="Errors.PersistenceStorageException"/> naming the persistence id and sequence nr.
/// Design: docs/design/persistence.md.
/// </summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Stores a snapshot durably, replacing one saved before with the same id and sequence nr.</summary>
    Task SaveAsync(SnapshotMetadata metadata, SerializedPayload snapshot, CancellationToken cancellationToken = default);

    /// <summary>The matching snapshot with the highest sequence nr, or null when none matches.</summary>
    Task<SelectedSnapshot?> LoadAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot with the metadata's id and sequence nr; nothing happens when there is none.</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of <paramref name="persistenceId"/> that matches <paramref name="criteria"/>.</summary>
    Task DeleteAsync(PersistenceId persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
