using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The sync messages as the simulated network carries them (the protobuf wire mapping is tested in
/// PeerSync.Sync.Tests). Cluster messages travel as the machine's own <c>ClusterEnvelope</c>.
/// </summary>
internal abstract record SyncMessage;

internal sealed record HelloMsg(SyncSessionId Session, SyncHello Hello) : SyncMessage;

internal sealed record BatchMsg(SyncSessionId Session, long BatchId, ChangeRange Range) : SyncMessage;

internal sealed record AckMsg(SyncSessionId Session, BatchAck Ack) : SyncMessage;

internal sealed record ReportMsg(SyncSessionId Session, Watermarks Applied, Watermarks Floors) : SyncMessage;

internal sealed record PageRequestMsg(long RequestId, RecordCursor? After, int Limit) : SyncMessage;

internal sealed record PageMsg(long RequestId, SnapshotPage Page) : SyncMessage;

internal sealed record DigestRequestMsg(long RoundId) : SyncMessage;

internal sealed record DigestResponseMsg(long RoundId, IReadOnlyList<BucketDigests> Digests) : SyncMessage;

internal sealed record EntriesRequestMsg(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> Selections) : SyncMessage;

internal sealed record EntriesResponseMsg(long RoundId, IReadOnlyList<BucketEntries> Entries) : SyncMessage;

internal sealed record RepairRequestMsg(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<RecordKey> Keys)> Keys) : SyncMessage;

internal sealed record RepairResponseMsg(long RoundId, IReadOnlyList<RecordVersion> Records) : SyncMessage;
