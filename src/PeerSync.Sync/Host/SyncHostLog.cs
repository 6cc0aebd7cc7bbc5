using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Host;

/// <summary>The sync host's log lines: constant templates, properties from the shared vocabulary.</summary>
internal static partial class SyncHostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Sync of {NodeId} started (data epoch {DataEpoch}, phase {Phase}, {Peers} peer journal(s))")]
    public static partial void Started(ILogger logger, NodeId nodeId, string dataEpoch, string phase, int peers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: session {Session} with {PeerId} started")]
    public static partial void SessionStarted(ILogger logger, NodeId nodeId, NodeId peerId, ulong session);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: session {Session} with {PeerId} ended")]
    public static partial void SessionEnded(ILogger logger, NodeId nodeId, NodeId peerId, ulong session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {PeerId} wiped its data (data epoch {Previous} -> {Current}); a full exchange follows")]
    public static partial void PeerEpochChanged(ILogger logger, NodeId nodeId, NodeId peerId, string previous, string current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {PeerId} reported less than it had acknowledged ({Known} -> {Reported}); resending from what it has")]
    public static partial void PeerRegressed(ILogger logger, NodeId nodeId, NodeId peerId, string known, string reported);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: {PeerId} is at {Watermark} of {Origin}, below this node's floor {Floor}; it needs a snapshot")]
    public static partial void PeerBehindLog(ILogger logger, NodeId nodeId, NodeId peerId, string origin, string watermark, string floor);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync {NodeId}: {PeerId} configures collections differently (catalog {Local:x16} here, {Remote:x16} there); set the same peersync.sync.collections on every node")]
    public static partial void CatalogMismatch(ILogger logger, NodeId nodeId, NodeId peerId, ulong local, ulong remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: forwarding the stream of {Origin} to {PeerId}")]
    public static partial void ForwardingStarted(ILogger logger, NodeId nodeId, NodeId peerId, string origin);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: send to {PeerId} failed ({Reason}), {Failures} in a row")]
    public static partial void SendFailed(ILogger logger, NodeId nodeId, NodeId peerId, string reason, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {PeerId} refused changes of {Origin} as too far ahead of its clock")]
    public static partial void PeerRejectedClockSkew(ILogger logger, NodeId nodeId, NodeId peerId, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {PeerId} stalled after {Failures} failed sends; its link is reopened")]
    public static partial void PeerStalled(ILogger logger, NodeId nodeId, NodeId peerId, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {PeerId} holds this node's own stream up to {Watermark}, beyond {Local} here (data restored from an older copy?); the clock moves past it")]
    public static partial void PeerAheadOfOwnStream(ILogger logger, NodeId nodeId, NodeId peerId, string watermark, string local);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: {PeerId} was removed; its queue is dropped and pruning no longer waits for it")]
    public static partial void PeerRetired(ILogger logger, NodeId nodeId, NodeId peerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: {PeerId} joined again after its removal; a fresh peer journal starts")]
    public static partial void PeerRevived(ILogger logger, NodeId nodeId, NodeId peerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync: the peer journal of {PeerId} could not be compacted")]
    public static partial void PeerSnapshotFailed(ILogger logger, Exception exception, NodeId peerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: refused {Count} change(s) from {Origin} with HLCs up to {Skew} ms ahead of the local clock (peersync.sync.max-clock-skew): {Reason}")]
    public static partial void ClockSkewRejected(ILogger logger, NodeId nodeId, string origin, int count, long skew, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: dropped a sync message from {PeerId}: {Reason}")]
    public static partial void InvalidMessage(ILogger logger, NodeId nodeId, string peerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {QueueDepth} messages from {PeerId} wait for its session; the oldest was dropped (the sender retries)")]
    public static partial void EarlyBufferFull(ILogger logger, NodeId nodeId, NodeId peerId, int queueDepth);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: backfill {From} -> {To}: {Reason}")]
    public static partial void BackfillPhase(ILogger logger, NodeId nodeId, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: backfill source {PeerId}: {Reason}")]
    public static partial void BackfillSource(ILogger logger, NodeId nodeId, NodeId peerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: snapshot page from {PeerId} retried (attempt {Attempt})")]
    public static partial void BackfillPageRetried(ILogger logger, NodeId nodeId, NodeId peerId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: the backfill buffer overflowed; {Count} live change(s) dropped, the catch-up resends them")]
    public static partial void BackfillOverflow(ILogger logger, NodeId nodeId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: catch-up timed out behind {Peers}; reporting ready anyway")]
    public static partial void CatchUpTimedOut(ILogger logger, NodeId nodeId, string peers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId}: anti-entropy with {PeerId}: {Buckets} bucket(s) differed, {Repaired} record(s) repaired, {Deleted} deleted")]
    public static partial void AntiEntropyRound(ILogger logger, NodeId nodeId, NodeId peerId, int buckets, int repaired, int deleted);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: anti-entropy with {PeerId}: {Buckets} bucket(s) differed, nothing to repair")]
    public static partial void AntiEntropyNothingToRepair(ILogger logger, NodeId nodeId, NodeId peerId, int buckets);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: anti-entropy round with {PeerId} abandoned: {Reason}")]
    public static partial void AntiEntropyAbandoned(ILogger logger, NodeId nodeId, NodeId peerId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: ignored an anti-entropy answer ({Input} of round {Round}): it is not for the round waiting for it ({Current} runs)")]
    public static partial void AntiEntropyAnswerIgnored(ILogger logger, NodeId nodeId, string input, long round, string current);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: ignored a repair response from {PeerId} for anti-entropy round {Round}: no repair of that round is pending")]
    public static partial void RepairResponseIgnored(ILogger logger, NodeId nodeId, NodeId peerId, long round);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync {NodeId}: {What} failed, but it was started before the coordinator last restarted: not restarting it again")]
    public static partial void StaleReadFailed(ILogger logger, Exception exception, NodeId nodeId, string what);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: dropped this node's side of an anti-entropy comparison ({Input} of round {Round}): it was read for the coordinator instance before its last restart")]
    public static partial void StaleComparisonDropped(ILogger logger, NodeId nodeId, string input, long round);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: dropped the {Answer} for {PeerId}: the session it was asked in ended while the store read it (the request times out there and is made again)")]
    public static partial void AnswerDropped(ILogger logger, NodeId nodeId, NodeId peerId, string answer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync {NodeId}: pruned {LogEntries} log entries and {Tombstones} tombstones")]
    public static partial void Pruned(ILogger logger, NodeId nodeId, long logEntries, int tombstones);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync {NodeId} flushed for stop in {Elapsed} ms (all acknowledged: {AllAcknowledged})")]
    public static partial void Flushed(ILogger logger, NodeId nodeId, long elapsed, bool allAcknowledged);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync {NodeId}: a local write transaction failed")]
    public static partial void WriteFailed(ILogger logger, Exception exception, NodeId nodeId);
}
