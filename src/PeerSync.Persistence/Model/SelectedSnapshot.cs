using PeerSync.Actors.Serialization;
namespace PeerSync.Persistence.Model;

/// <summary>A snapshot found by <c>ISnapshotStore.LoadAsync</c>: its metadata and serialized state.</summary>
public sealed record SelectedSnapshot(SnapshotMetadata Metadata, SerializedPayload Snapshot);
