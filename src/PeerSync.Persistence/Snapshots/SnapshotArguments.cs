using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Snapshots;

/// <summary>Argument checks every snapshot store applies the same way.</summary>
internal static class SnapshotArguments
{
    public static void Check(PersistenceId persistenceId, SnapshotSelectionCriteria criteria)
    {
        Journal.JournalArguments.CheckId(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
    }

    public static void Check(SnapshotMetadata metadata, SerializedPayload snapshot)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(snapshot);
    }
}
