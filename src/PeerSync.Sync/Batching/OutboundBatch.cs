using PeerSync.Sync.Records;

namespace PeerSync.Sync.Batching;

/// <summary>
/// A batch of this node's own changes, released by <see cref="BatcherMachine"/>: a contiguous range
/// of its stream (owned changes coalesced), ready to be offered to every peer.
/// </summary>
public sealed record OutboundBatch(long Id, ChangeRange Range);
