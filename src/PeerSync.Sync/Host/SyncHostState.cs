using System.Collections.Immutable;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Host;

/// <summary>
/// What the coordinator publishes for other threads (API, health, metrics): replaced as a whole,
/// so a reader always sees one consistent moment.
/// </summary>
public sealed record SyncHostSnapshot(
    BackfillPhase Phase,
    NodeId? BackfillSource,
    int BackfillPages,
    Watermarks Applied,
    Hlc ClockLast,
    ImmutableArray<SyncPeerState> PeerStates,
    long ClockRejections,
    long ChangesReceived,
    long RepairsApplied,
    long BufferOverflows,
    long PagesServed,
    long Records,
    long LogEntries,
    bool Stopping)
{
    public bool IsReady => Phase == BackfillPhase.Ready && !Stopping;

    internal static SyncHostSnapshot Initial(BackfillPhase phase) => new(
        phase, null, 0, Watermarks.Empty, Hlc.Zero, [], 0, 0, 0, 0, 0, 0, 0, false);
}

/// <summary>
/// One peer as the coordinator last heard from its actor. <see cref="PendingChanges"/> counts the
/// changes above its acknowledgements (log entries and owned records of every stream this node
/// serves it), refreshed every prune interval.
/// </summary>
public sealed record SyncPeerState(
    NodeId Peer,
    PeerPhase Phase,
    Watermarks Acknowledged,
    int InFlightBatches,
    long LagMs,
    long PendingChanges,
    DataEpoch? Epoch,
    bool Retired);

/// <summary>Wakes change-feed readers when the coordinator applied something.</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
