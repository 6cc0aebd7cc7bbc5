using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// Bounds how long the coordinator holds a removal from the voting set for the election's sake
/// (docs/design/election.md, "Voting set"; membership.md, "Convergence and the coordinator").
/// The election asks the coordinator to wait until its lease survives the smaller voting set; that
/// normally takes one heartbeat round trip, but a removal must never wait forever (a crashed or
/// downed member has to go), so after <c>maxHoldMs</c> of holding the same member it goes ahead
/// anyway, at the price the hold was meant to avoid: the leader may have to gather its lease again.
/// </summary>
internal sealed class RemovalHold(long maxHoldMs)
{
    private UniqueNode? _node;
    private long _sinceMs;
    private long _lastAskedMs;

    /// <summary>
    /// Whether the removal of <paramref name="node"/> may go ahead now. <paramref name="heldMs"/> is
    /// how long it had been held when the hold ran out (0 when the election allowed it, or while holding).
    /// </summary>
    public bool MayRemove(UniqueNode node, bool electionAllows, long nowMs, out long heldMs)
    {
        heldMs = 0;
        if (electionAllows)
        {
            _node = null;
            return true;
        }

        // A hold that was not asked about for longer than the bound (this node stopped
        // coordinating, or the cluster stopped converging) starts afresh rather than counting the
        // time it was not holding anything.
        if (_node != node || nowMs - _lastAskedMs > maxHoldMs)
        {
            _node = node;
            _sinceMs = nowMs;
        }

        _lastAskedMs = nowMs;
        if (nowMs - _sinceMs < maxHoldMs)
        {
            return false;
        }

        heldMs = nowMs - _sinceMs;
        _node = null;
        return true;
    }
}
