using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>The sync messages as the simulated network carries them (the wire mapping is tested separately).</summary>
internal abstract record SimMessage;

internal sealed record HelloMsg(SyncSessionId Session, SyncHello Hello) : SimMessage;

internal sealed record BatchMsg(SyncSessionId Session, long BatchId, ChangeRange Range) : SimMessage;

internal sealed record AckMsg(SyncSessionId Session, BatchAck Ack) : SimMessage;

internal sealed record ReportMsg(SyncSessionId Session, Watermarks Applied, Watermarks Floors) : SimMessage;

internal sealed record PageRequestMsg(long RequestId, RecordCursor? After, int Limit) : SimMessage;

internal sealed record PageMsg(long RequestId, SnapshotPage Page) : SimMessage;

internal sealed record DigestRequestMsg(long RoundId) : SimMessage;

internal sealed record DigestResponseMsg(long RoundId, IReadOnlyList<BucketDigests> Digests) : SimMessage;

internal sealed record EntriesRequestMsg(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> Selections) : SimMessage;

internal sealed record EntriesResponseMsg(long RoundId, IReadOnlyList<BucketEntries> Entries) : SimMessage;

internal sealed record RepairRequestMsg(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<RecordKey> Keys)> Keys) : SimMessage;

internal sealed record RepairResponseMsg(long RoundId, IReadOnlyList<RecordVersion> Records) : SimMessage;
