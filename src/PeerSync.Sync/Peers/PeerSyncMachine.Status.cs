using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Peers;

public sealed partial class PeerSyncMachine
{
    /// <summary>Heads of an origin seen pending, kept per origin (oldest first) at most this many.</summary>
    private const int MaxPendingHeads = 64;

    // Per origin the peer lacks: the heads this node had of it (ascending) and when each was first
    // seen here. Everything up to a head was applied here by then, so the first head above the
    // peer's acknowledgement dates its oldest unacknowledged change (to within one step).
    private readonly Dictionary<OriginId, Queue<(Hlc Head, long SeenMs)>> _pendingHeads = [];
    private long _lastStepMs;

    /// <summary>The status as of the last step.</summary>
    public PeerSyncStatus Status() => Status(_lastStepMs);

    /// <summary>
    /// A read-only view: the origins the peer lacks, and the lag, how long its oldest unacknowledged
    /// change has been waiting here (0 when none). A retired machine reports nothing pending.
    /// </summary>
    public PeerSyncStatus Status(long nowMs)
    {
        var pending = new List<OriginId>();
        long? since = null;
        if (_local is not null && !IsRetired)
        {
            foreach (var (origin, head) in _local.Applied)
            {
                if (head > Acknowledged[origin] && origin != _peerOrigin)
                {
                    pending.Add(origin);
                    if (_pendingHeads.TryGetValue(origin, out var heads) && heads.Count > 0)
                    {
                        since = Math.Min(since ?? long.MaxValue, heads.Peek().SeenMs);
                    }
                }
            }
        }

        var lag = since is { } s ? Math.Max(0, nowMs - s) : 0;
        return new PeerSyncStatus(Peer, Phase, Acknowledged, _inFlight.Count, _failures, lag, pending, since);
    }

    private void TrackPending(long nowMs)
    {
        _lastStepMs = nowMs;
        if (_local is null || IsRetired)
        {
            _pendingHeads.Clear();
            return;
        }

        foreach (var origin in _pendingHeads.Keys.Where(o => !(_local.Applied[o] > Acknowledged[o]) || o == _peerOrigin).ToList())
        {
            _pendingHeads.Remove(origin);
        }

        foreach (var (origin, head) in _local.Applied)
        {
            var ack = Acknowledged[origin];
            if (!(head > ack) || origin == _peerOrigin)
            {
                continue;
            }

            if (!_pendingHeads.TryGetValue(origin, out var heads))
            {
                heads = new Queue<(Hlc, long)>();
                _pendingHeads[origin] = heads;
            }

            while (heads.Count > 0 && heads.Peek().Head <= ack)
            {
                heads.Dequeue();
            }

            // When full, a newer head is recorded only once the older ones are acknowledged: the
            // lag then dates the newest changes a little late, never the oldest.
            if (heads.Count < MaxPendingHeads && (heads.Count == 0 || heads.Last().Head < head))
            {
                heads.Enqueue((head, nowMs));
            }
        }
    }
}
