using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Peers;

/// <summary>A persisted fact of a peer sync machine (journal event), applied by the same code live and in recovery.</summary>
public abstract record PeerSyncEvent;

/// <summary>The peer's data epoch as seen in its hello.</summary>
public sealed record PeerEpochObserved(DataEpoch Epoch) : PeerSyncEvent;

/// <summary>The peer acknowledged (applied) at least these positions; merged by maximum.</summary>
public sealed record AcknowledgementsAdvanced(Watermarks Acknowledged) : PeerSyncEvent;

/// <summary>The peer's acknowledgements were replaced (its data epoch changed, or it reported less than known).</summary>
public sealed record AcknowledgementsReset(Watermarks Acknowledged, string Reason) : PeerSyncEvent;

/// <summary>
/// The member was removed at <paramref name="RetiredAtMs"/>; the machine is retired. The time bounds
/// how long its origin still holds back tombstone pruning (`retired-origin-retention`).
/// </summary>
public sealed record PeerRetired(long RetiredAtMs) : PeerSyncEvent;
