using System.Collections.Immutable;
using System.Globalization;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Downing;

/// <summary>
/// The four strategies as pure functions of (gossip view, self). Each node evaluates them on its own
/// view once the unreachable set has been stable for `stable-after`; nodes on one side of a clean
/// partition hold the same view and reach the same verdict (docs/design/downing.md).
/// </summary>
public static class DowningDecider
{
    public static DowningDecision Decide(DowningStrategy strategy, MembershipView view, UniqueNode self, int staticQuorumSize, bool downIfAlone)
    {
        var gossip = view.Gossip;
        var none = UniqueNodeOrder.EmptySet;
        if (strategy == DowningStrategy.Off || gossip.MemberOf(self) is not { } me || me.Status >= MemberStatus.Down)
        {
            return new DowningDecision(none, false, "nothing to decide");
        }

        // Two views of a partition may differ by one coordinator step (a member promoted Up, or an
        // Exiting one removed, on one side only). So the whole counts every member that is or may be
        // part of the cluster (Joining, Up, Leaving, Exiting), a side counts only its Up and Leaving
        // members, and the tie-break uses the oldest of the whole: a one-step difference can then
        // make both sides lose, but never both win (docs/design/downing.md).
        // A Down member counts in the whole until it is removed: a down is no coordinator step and
        // may be known on one side only (a verdict taken just before this node noticed a cut), so
        // the other side may still count that member as its own. Cluster swarm seed 1725: n1
        // downed n2 on n3's row, frozen by a cut n1 had not seen yet, then kept itself alone on a
        // tie of {n1, n3} while n2 and n3 kept as 2 of 3.
        var whole = gossip.Members.Values.Where(m => m.Status is not MemberStatus.Removed).ToList();
        var counted = gossip.Members.Values.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving).ToList();

        // Rows of observers cut off from this whole side are frozen: what they said just before the
        // cut can never be retracted here, so it does not count against anyone (a majority that
        // its minority had accused a moment before the cut downed itself: "0 of 5").
        // Which observers are cut off is read on broken links, in both directions: a deaf member (it
        // hears nobody, everyone hears it) is cut off from the rest as a member nobody hears would
        // be (downing.md, "Deaf nodes"), instead of putting everyone it accuses on no side. Only
        // accusations count against members: an accuser is not put on no side by its own accusation.
        var links = CredibleReachability.BrokenLinks(gossip);
        var cutOff = CredibleReachability.CutOffObservers(links, self);
        var accused = CredibleReachability.Unreachable(gossip, links, cutOff);
        var unreachable = gossip.Members.Values
            .Where(m => m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.Leaving && accused.Contains(m.Node))
            .ToList();
        var unreachableSet = unreachable.Select(m => m.Node).ToImmutableSortedSet(UniqueNodeOrder.Instance);
        var frozenLeavers = CredibleReachability.FrozenLeavers(gossip, cutOff);
        if (unreachable.Count == 0)
        {
            // Only leavers cut off with frozen rows: no side to judge, but their rows must stop
            // counting or the view never converges. A Joining or Exiting node leaves it to the
            // counted members, as for every verdict.
            return frozenLeavers.Count == 0 || me.Status is not (MemberStatus.Up or MemberStatus.Leaving)
                ? new DowningDecision(none, false, "nothing to decide")
                : new DowningDecision(frozenLeavers, false, Text($"members cut off while exiting {string.Join(", ", frozenLeavers)} are downed: their rows are frozen"));
        }

        // Members that only other unreachable members have broken links with (no observer on the
        // reachable side has one) are not cut off by a partition but by broken links between them
        // (a <-/-> b, each accusing the other, or a chain of such links). The sides are ambiguous
        // there: down the fewest of them that leaves no broken link among the rest, keeping the
        // oldest where there is a choice (for one link: the younger end). A one-way loss alone
        // never comes here: its accuser is credible, outside U, and has the link.
        var indirect = unreachable
            .Where(m => !links.Any(kv =>
                !unreachableSet.Contains(kv.Key)
                && !cutOff.Contains(kv.Key)
                && kv.Value.Contains(m.Node)))
            .OrderBy(m => m, Member.AgeOrder.Instance)
            .ToList();
        // Only meaningful when a healthy side exists to vouch for the rest: with nobody reachable
        // outside the accused (an isolated or paused node reading stale rows) it would let a lone
        // node keep itself and down everyone else.
        var healthySideExists = counted.Any(m => !unreachableSet.Contains(m.Node));
        if (indirect.Count > 1 && healthySideExists && BrokenLinkCover.Of(indirect.Select(m => m.Node).ToList(), links) is { Count: > 0 } drop)
        {
            var kept = indirect.Select(m => m.Node).Where(n => !drop.Contains(n)).ToList();
            var selfDropped = drop.Contains(self);
            return new DowningDecision(
                selfDropped ? none : drop,
                selfDropped,
                Text($"indirectly connected members {string.Join(", ", drop)} are downed; {string.Join(", ", kept)} (no broken link left among them) {(kept.Count == 1 ? "is" : "are")} kept"));
        }

        if (me.Status is not (MemberStatus.Up or MemberStatus.Leaving))
        {
            // A Joining or Exiting node does not count for a side; the counted members decide about it.
            return new DowningDecision(none, false, "this node does not count for a side");
        }

        var mySide = counted.Where(m => !unreachableSet.Contains(m.Node)).ToList();
        var otherSide = counted.Where(m => unreachableSet.Contains(m.Node)).ToList();
        var oldest = whole.Min(Member.AgeOrder.Instance)!;
        var oldestOnMySide = oldest.Status < MemberStatus.Down && !accused.Contains(oldest.Node);

        bool keepMine;
        string reason;
        switch (strategy)
        {
            case DowningStrategy.KeepMajority:
                keepMine = 2 * mySide.Count > whole.Count
                    || (2 * mySide.Count == whole.Count && oldestOnMySide);
                reason = Text($"keep-majority: this side has {mySide.Count} of {whole.Count} members{(2 * mySide.Count == whole.Count ? " (a tie, broken by the oldest member " + oldest.Node + ")" : "")}");
                break;
            case DowningStrategy.KeepOldest:
                keepMine = oldestOnMySide;
                if (downIfAlone && otherSide.Count > 1 && oldestOnMySide && mySide.Count == 1)
                {
                    keepMine = false;
                }
                else if (downIfAlone && mySide.Count > 1 && !oldestOnMySide && otherSide.Count == 1)
                {
                    keepMine = true;
                }

                reason = Text($"keep-oldest: the oldest member {oldest.Node} is {(oldestOnMySide ? "on this side" : "on the other side")} ({mySide.Count} here, {otherSide.Count} there)");
                break;
            case DowningStrategy.StaticQuorum:
                keepMine = mySide.Count >= staticQuorumSize;
                reason = Text($"static-quorum: this side has {mySide.Count} members, the quorum is {staticQuorumSize}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown downing strategy");
        }

        return keepMine
            ? new DowningDecision(unreachableSet.Union(frozenLeavers), false, reason)
            : new DowningDecision(none, true, reason);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
