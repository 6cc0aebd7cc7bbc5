using System.Collections.Concurrent;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Host;

/// <summary>State the coordinator shares with the <see cref="SyncHost"/> facade (read on any thread).</summary>
internal sealed class SyncHostShared
{
    private SyncHostSnapshot _snapshot = SyncHostSnapshot.Initial(BackfillPhase.Uninitialized);
    private long _lastPosition;

    public ConcurrentQueue<PendingWrite> Writes { get; } = new();

    public ChangeSignal Changes { get; } = new();

    /// <summary>1 while a <see cref="WritesPending"/> is on its way to the coordinator.</summary>
    public int Nudged;

    /// <summary>Writes queued and not yet taken by the coordinator (bounded by <see cref="SyncHostSettings.MaxPendingWrites"/>).</summary>
    public int PendingWrites;

    /// <summary>
    /// The last anti-entropy round id the coordinator issued. It outlives coordinator restarts, so the
    /// restarted coordinator's machine numbers its rounds on from it: a peer's answer to a round of the
    /// instance before the restart, still on its way, then matches no round of the new one. Written and
    /// read only by the coordinator (its turns are ordered, across restarts too).
    /// </summary>
    public long LastAntiEntropyRoundId { get; set; }

    public SyncHostSnapshot Snapshot
    {
        get => Volatile.Read(ref _snapshot);
        set => Volatile.Write(ref _snapshot, value);
    }

    public long LastPosition
    {
        get => Interlocked.Read(ref _lastPosition);
        set => Interlocked.Exchange(ref _lastPosition, value);
    }

    public void Advanced(long position)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _lastPosition);
            if (position <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _lastPosition, position, current) != current);

        Changes.Pulse();
    }
}

/// <summary>A local write waiting for the coordinator's next group commit.</summary>
internal sealed record PendingWrite(CollectionName Collection, RecordKey Key, string? Value, TaskCompletionSource<LocalWriteOutcome> Done);
