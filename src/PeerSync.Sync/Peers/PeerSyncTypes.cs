using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Peers;

/// <summary>Identifies one sync session with a peer (one link incarnation), chosen by the host.</summary>
public readonly record struct SyncSessionId(ulong Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What this node holds, as the peer machine needs it: for hellos and to know what it can send.</summary>
public sealed record LocalSyncState(DataEpoch Epoch, OriginId Self, Watermarks Applied, Watermarks Floors, bool Backfilling);

/// <summary>
/// The sync handshake, sent by both sides when a session starts (and again by a node that finished
/// a backfill, with <see cref="ReplyRequested"/>): the data epoch, what the sender has applied and
/// the floors below which it can no longer serve streams.
/// </summary>
public sealed record SyncHello(
    DataEpoch Epoch,
    Watermarks Applied,
    Watermarks Floors,
    bool Backfilling,
    ulong CatalogFingerprint,
    bool ReplyRequested);

/// <summary>How a receiver handled a batch.</summary>
public enum AckStatus
{
    /// <summary>Applied (or already covered); the watermarks say how far.</summary>
    Applied = 0,

    /// <summary>The range started beyond the receiver's watermark: resend from the watermark.</summary>
    Gap = 1,

    /// <summary>A change's HLC was too far ahead of the receiver's clock; applied up to before it.</summary>
    ClockSkewRejected = 2,

    /// <summary>The receiver is backfilling and buffered the batch; it will hello again when done.</summary>
    Buffered = 3,
}

/// <summary>A batch acknowledgement: cumulative, carrying the receiver's applied watermarks.</summary>
public sealed record BatchAck(long BatchId, AckStatus Status, Watermarks Applied);

/// <summary>The phases of a peer sync machine (see docs/design/sync.md, "Peer machine").</summary>
public enum PeerPhase
{
    Disconnected = 0,
    AwaitingHello = 1,
    Active = 2,
    Stalled = 3,
    Retired = 4,
}

/// <summary>
/// A read-only view for `/v1/sync/peers` and metrics. <paramref name="LagMs"/>: how long the
/// oldest change the peer lacks has been waiting here, as of the status time (0 when none);
/// <paramref name="PendingSinceMs"/>: when that change was first seen here (null when none), so a
/// reader can compute the lag at its own time.
/// </summary>
public sealed record PeerSyncStatus(
    Remote.Addressing.NodeId Peer,
    PeerPhase Phase,
    Watermarks Acknowledged,
    int InFlightBatches,
    int ConsecutiveFailures,
    long LagMs,
    IReadOnlyList<OriginId> PendingOrigins,
    long? PendingSinceMs);

/// <summary>Where a receiver is, as the sender tracks it for one in-flight batch.</summary>
internal sealed record InFlightBatch(long Id, OriginId Origin, Hlc From, Hlc Through, bool Prepared, long DeadlineMs);
