using System.Collections.Immutable;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Membership;

/// <summary>
/// The actions that need agreement, applied by the coordinator only on a converged state
/// (docs/design/membership.md): Leaving → Exiting for all, then at most ONE change of the voting
/// set per round — remove a Down member, else remove an Exiting member, else move the oldest
/// Joining member Up (a removal or a promotion may be held for the election: see the parameters).
/// One voting-set change per converged round keeps any two voting sets in use at the same time
/// within one member of each other, so their majorities intersect (election.md).
/// </summary>
public static class MembershipCoordinator
{
    /// <summary>The actions taken, for notices and tests.</summary>
    public sealed record Action(UniqueNode Node, MemberStatus From, MemberStatus To);

    /// <param name="canPromote">
    /// Whether a Joining member may be moved Up now. In leader mode an acting leader that coordinates
    /// waits until the joiner has acknowledged one of its heartbeats, so growing the voting set never
    /// costs it the majority lease.
    /// </param>
    /// <param name="canExit">
    /// Whether a Leaving member may be moved to Exiting now. In leader mode a leaving leader stays
    /// Leaving until it has stepped down and handed over (its singleton stopped): once Exiting it
    /// can be removed and quarantined at the next round, which would cut off its HandOver.
    /// </param>
    /// <param name="canRemove">
    /// Whether the member due for removal (Down or Exiting) may leave the voting set now. In leader
    /// mode a coordinator that campaigns or leads holds it until its campaign no longer counts the
    /// member and its lease survives without it (a majority of the smaller voting set acknowledged
    /// its heartbeat within the lease), so shrinking the voting set never costs the leader its lease.
    /// A held removal blocks every other voting-set change of the round.
    /// </param>
    public static (Gossip Gossip, IReadOnlyList<Action> Actions) Act(
        Gossip gossip,
        MembershipView view,
        UniqueNode self,
        long nowMs,
        Func<UniqueNode, bool>? canPromote = null,
        Func<UniqueNode, bool>? canExit = null,
        Func<UniqueNode, bool>? canRemove = null)
    {
        if (view.Coordinator != self || !view.IsConverged || gossip.MemberOf(self) is not { Status: < MemberStatus.Down })
        {
            return (gossip, []);
        }

        var actions = new List<Action>();
        var members = gossip.Members;
        var tombstones = gossip.Tombstones;

        foreach (var member in gossip.Members.Values.Where(m => m.Status == MemberStatus.Leaving && (canExit?.Invoke(m.Node) ?? true)))
        {
            members = members.SetItem(member.Node, member.WithStatus(MemberStatus.Exiting));
            actions.Add(new Action(member.Node, MemberStatus.Leaving, MemberStatus.Exiting));
        }

        var ordered = gossip.Members.Values.OrderBy(m => m, Member.AgeOrder.Instance).ToList();
        var removal = ordered.FirstOrDefault(m => m.Status == MemberStatus.Down)
            ?? ordered.FirstOrDefault(m => m.Status == MemberStatus.Exiting && m.Node != self);
        if (removal is not null)
        {
            // Held: nothing else changes the voting set this round (a promotion would raise the
            // majority the leader is still gathering); the removal comes first once allowed.
            if (canRemove?.Invoke(removal.Node) ?? true)
            {
                members = members.Remove(removal.Node);
                tombstones = tombstones.SetItem(removal.Node, nowMs);
                actions.Add(new Action(removal.Node, removal.Status, MemberStatus.Removed));
            }
        }
        else if (ordered.FirstOrDefault(m => m.Status == MemberStatus.Joining) is { } joining && (canPromote?.Invoke(joining.Node) ?? true))
        {
            var upNumber = gossip.Members.Values.Select(m => m.UpNumber).DefaultIfEmpty(0).Max() + 1;
            members = members.SetItem(joining.Node, joining.WithUp(upNumber));
            actions.Add(new Action(joining.Node, MemberStatus.Joining, MemberStatus.Up));
        }
        else if (ordered.FirstOrDefault(m => m.Status == MemberStatus.Exiting && m.Node == self) is { } selfExiting
                 && ordered.Count(m => m.Status < MemberStatus.Down) == 1)
        {
            // The last member leaving removes itself: nobody else is left to do it.
            members = members.Remove(selfExiting.Node);
            tombstones = tombstones.SetItem(selfExiting.Node, nowMs);
            actions.Add(new Action(selfExiting.Node, MemberStatus.Exiting, MemberStatus.Removed));
        }

        if (actions.Count == 0)
        {
            return (gossip, actions);
        }

        return (gossip.Change(self, members: members, tombstones: tombstones), actions);
    }
}
