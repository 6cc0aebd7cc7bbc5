using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Peers;

/// <summary>What one live (not retired) peer has acknowledged, and its current data epoch if known.</summary>
public sealed record PeerAcknowledgement(NodeId Peer, DataEpoch? Epoch, Watermarks Acknowledged);

/// <summary>A removed member: its last known data epoch and when it was removed.</summary>
public sealed record RetiredPeer(NodeId Peer, DataEpoch? Epoch, long RetiredAtMs);

/// <summary>
/// Decides what this node may prune, from the acknowledgements of every live member (pure).
/// See docs/design/sync.md, "Pruning".
/// <list type="bullet">
/// <item>Log: an origin's entries up to the minimum acknowledgement over live peers. A peer that
/// never acknowledged counts as zero, so it holds pruning back until it is removed (retired).</item>
/// <item>Tombstones: only below the causally stable HLC: the minimum, over every origin a change
/// could still come from, of what every live member (this node included) has applied of it. No
/// change older than a pruned tombstone can then arrive, so a delete cannot be undone by a late
/// concurrent write. Streams of live members advance with time (seals). A removed member's origin
/// keeps counting for retiredOriginRetentionMs after its removal (it may come back with writes that
/// never left it); a removed member whose data epoch this node never learned holds every tombstone
/// back for that long (any of its origins may come back). An origin of no known member (one removed
/// before this node joined) counts for the retention after the last position seen of it, and after
/// that only while live members disagree on it.</item>
/// </list>
/// </summary>
public static class PruningCalculator
{
    public static PrunePlan Plan(
        OriginId self,
        Watermarks localApplied,
        IReadOnlyCollection<PeerAcknowledgement> livePeers,
        IReadOnlyCollection<RetiredPeer> retiredPeers,
        long nowMs,
        long retiredOriginRetentionMs,
        int maxTombstones = 10_000)
    {
        ArgumentNullException.ThrowIfNull(localApplied);
        ArgumentNullException.ThrowIfNull(livePeers);
        var logThrough = new List<KeyValuePair<OriginId, Hlc>>();
        foreach (var (origin, applied) in localApplied)
        {
            var min = applied;
            foreach (var peer in livePeers)
            {
                min = Hlc.Min(min, peer.Acknowledged[origin]);
            }

            logThrough.Add(new(origin, min));
        }

        var stable = StableHlc(self, localApplied, livePeers, retiredPeers, nowMs, retiredOriginRetentionMs);
        return new PrunePlan(Watermarks.From(logThrough), stable, maxTombstones);
    }

    /// <summary>The HLC at or below which no change can still arrive (zero if unknown).</summary>
    public static Hlc StableHlc(
        OriginId self,
        Watermarks localApplied,
        IReadOnlyCollection<PeerAcknowledgement> livePeers,
        IReadOnlyCollection<RetiredPeer> retiredPeers,
        long nowMs,
        long retiredOriginRetentionMs)
    {
        ArgumentNullException.ThrowIfNull(localApplied);
        ArgumentNullException.ThrowIfNull(livePeers);
        ArgumentNullException.ThrowIfNull(retiredPeers);
        var held = new HashSet<OriginId> { self };
        var members = new HashSet<NodeId> { self.Node };
        foreach (var peer in livePeers)
        {
            if (peer.Epoch is not { } epoch)
            {
                // A member that never said hello may hold anything: nothing is stable.
                return Hlc.Zero;
            }

            held.Add(new OriginId(peer.Peer, epoch));
            members.Add(peer.Peer);
        }

        foreach (var retired in retiredPeers)
        {
            members.Add(retired.Peer);
            if (nowMs >= retired.RetiredAtMs + retiredOriginRetentionMs)
            {
                continue;
            }

            if (retired.Epoch is not { } epoch)
            {
                // Removed before this node learned its epoch (it never said hello here): it may come
                // back with writes of an origin this node cannot name, so nothing is stable yet.
                return Hlc.Zero;
            }

            held.Add(new OriginId(retired.Peer, epoch));
        }

        var stable = localApplied[self];
        var origins = held.Concat(localApplied.Origins).Concat(livePeers.SelectMany(p => p.Acknowledged.Origins)).Distinct();
        foreach (var origin in origins)
        {
            var values = livePeers.Select(p => p.Acknowledged[origin]).Append(localApplied[origin]).ToList();
            var min = values.Min();
            if (!held.Contains(origin) && !members.Contains(origin.Node) && nowMs < values.Max().PhysicalMs + retiredOriginRetentionMs)
            {
                // An origin of no member this node knows: a member removed before this node joined
                // (or before its journal here began). It may still come back with writes that never
                // left it, so it counts for the retention after the last position seen of it.
                stable = Hlc.Min(stable, min);
                continue;
            }

            if (!held.Contains(origin) && values.All(v => v == min))
            {
                // An origin no member will bring back that every live member holds equally:
                // nothing of it is still travelling.
                continue;
            }

            stable = Hlc.Min(stable, min);
        }

        return stable;
    }
}
