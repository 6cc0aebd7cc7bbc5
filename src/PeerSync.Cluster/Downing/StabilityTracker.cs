using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// Tracks how long the cluster's unreachable set has stayed the same. Any change (a member becomes
/// unreachable or reachable again, or is downed) restarts the clock; the strategy may act once the
/// non-empty set has been stable for `stable-after`.
/// </summary>
public sealed class StabilityTracker
{
    private ImmutableSortedSet<UniqueNode> _current = UniqueNodeOrder.EmptySet;
    private long _sinceMs;

    public ImmutableSortedSet<UniqueNode> Current => _current;

    public long SinceMs => _sinceMs;

    /// <summary>Feeds the current unreachable set; returns true when it changed.</summary>
    public bool Observe(ImmutableSortedSet<UniqueNode> unreachable, long nowMs)
    {
        if (_current.SetEquals(unreachable))
        {
            return false;
        }

        _current = unreachable;
        _sinceMs = nowMs;
        return true;
    }

    /// <summary>Restarts the clock without a change (e.g. this node was paused and saw nothing).</summary>
    public void Restart(long nowMs) => _sinceMs = nowMs;

    public bool IsStable(long nowMs, long stableAfterMs) => _current.Count > 0 && nowMs - _sinceMs >= stableAfterMs;

    /// <summary>When the current set becomes stable; null when there is nothing unreachable.</summary>
    public long? StableAtMs(long stableAfterMs) => _current.Count == 0 ? null : _sinceMs + stableAfterMs;
}
