using FsCheck;
using FsCheck.Fluent;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Membership;

public sealed class GossipMergeTests
{
    private static readonly string[] Ids = ["n1", "n2", "n3", "n4"];

    /// <summary>A random gossip built from a few random local changes, as nodes would make them.</summary>
    private static Gossip RandomGossip(int[] script)
    {
        var gossip = Gossip.Empty;
        var self = Node("n1");
        foreach (var step in script)
        {
            var id = Ids[Math.Abs(step) % Ids.Length];
            var kind = Math.Abs(step / 7) % 6;
            var incarnation = (ulong)(1 + (Math.Abs(step / 3) % 2));
            var node = Node(id, incarnation);
            var existing = gossip.MemberOf(node);
            switch (kind)
            {
                case 0 when existing is null:
                    gossip = gossip.Change(self, members: gossip.Members.SetItem(node, Member(id, MemberStatus.Joining, startupMs: (long)incarnation * 10, incarnation: incarnation)));
                    break;
                case 1 when existing is not null:
                    var next = (MemberStatus)Math.Min((int)MemberStatus.Down, (int)existing.Status + 1);
                    gossip = gossip.Change(self, members: gossip.Members.SetItem(node, next == MemberStatus.Up ? existing.WithUp(1) : existing.WithStatus(next)));
                    break;
                case 2 when existing is not null:
                    gossip = gossip.Change(self, members: gossip.Members.Remove(node), tombstones: gossip.Tombstones.SetItem(node, step));
                    break;
                case 3 when existing is not null && gossip.Members.Count > 1:
                    var observer = gossip.Members.Keys.First();
                    gossip = gossip.Change(self, reachability: gossip.Reachability.Mark(observer, node, step % 2 == 0));
                    break;
                case 4:
                    gossip = gossip.Change(self, election: gossip.Election.WithMaxEpoch(new Epoch(Math.Abs(step) % 9)));
                    break;
                default:
                    break;
            }
        }

        return gossip;
    }

    [Fact]
    public void Merge_content_is_commutative_associative_and_idempotent()
    {
        var self = Node("n9");
        Properties.Check(Prop.ForAll<int[], int[], int[]>((a, b, c) =>
        {
            var x = RandomGossip(a);
            var y = RandomGossip(b);
            var z = RandomGossip(c);
            return x.Merge(y, self).ContentEquals(y.Merge(x, self))
                && x.Merge(y, self).Merge(z, self).ContentEquals(x.Merge(y.Merge(z, self), self))
                && x.Merge(x, self).ContentEquals(x);
        }));
    }

    [Fact]
    public void Merge_keeps_the_higher_status()
    {
        var up = GossipOf(Member("n1"), Member("n2"));
        var leaving = GossipOf(Member("n1"), Member("n2", MemberStatus.Leaving));
        Assert.Equal(MemberStatus.Leaving, up.Merge(leaving, Node("n1")).MemberOf(Node("n2"))!.Status);
        Assert.Equal(MemberStatus.Leaving, leaving.Merge(up, Node("n1")).MemberOf(Node("n2"))!.Status);
    }

    [Fact]
    public void Tombstoned_member_never_comes_back_through_stale_gossip()
    {
        var stale = GossipOf(Member("n1"), Member("n2"));
        var removed = stale.Change(Node("n1"), members: stale.Members.Remove(Node("n2")), tombstones: stale.Tombstones.SetItem(Node("n2"), 5));
        var merged = removed.Merge(stale, Node("n1"));
        Assert.Null(merged.MemberOf(Node("n2")));
        Assert.True(merged.IsTombstoned(Node("n2")));
    }

    [Fact]
    public void New_incarnation_downs_the_old_one()
    {
        var gossip = GossipOf(Member("n1"), Member("n2", startupMs: 0, incarnation: 1), Member("n2", MemberStatus.Joining, startupMs: 100, incarnation: 2));
        var normalized = Gossip.Normalize(gossip);
        Assert.Equal(MemberStatus.Down, normalized.MemberOf(Node("n2", 1))!.Status);
        Assert.Equal(MemberStatus.Joining, normalized.MemberOf(Node("n2", 2))!.Status);
    }

    [Fact]
    public void Seen_sets_union_when_content_is_equal_and_reset_when_it_changes()
    {
        var a = GossipOf(Member("n1"), Member("n2"), Member("n3")).WithSeen(UniqueNodeOrder.EmptySet.Add(Node("n1")));
        var b = a.WithSeen(UniqueNodeOrder.EmptySet.Add(Node("n2")));
        var merged = a.Merge(b, Node("n3"));
        Assert.Equal(3, merged.Seen.Count);

        var changed = a.Change(Node("n1"), members: a.Members.SetItem(Node("n3"), Member("n3", MemberStatus.Leaving)));
        Assert.Equal([Node("n1")], changed.Seen.ToArray());
        var received = b.Merge(changed, Node("n2"));
        Assert.Equal([Node("n1"), Node("n2")], received.Seen.ToArray());
    }

    [Fact]
    public void Reachability_rows_merge_by_observer_version()
    {
        var base_ = GossipOf(Member("n1"), Member("n2"), Member("n3"));
        var older = base_.WithUnreachable("n1", "n3");
        var newer = new Gossip(older.Members, older.Reachability.Mark(Node("n1"), Node("n3"), unreachable: false), older.Tombstones, older.Election, older.Seen);
        Assert.Empty(older.Merge(newer, Node("n2")).Reachability.RowOf(Node("n1")).Unreachable);
        Assert.Empty(newer.Merge(older, Node("n2")).Reachability.RowOf(Node("n1")).Unreachable);
    }

    [Fact]
    public void Tombstones_are_bounded_keeping_the_newest()
    {
        var gossip = GossipOf(Member("n1"));
        var tombstones = gossip.Tombstones;
        for (var i = 0; i < Gossip.MaxTombstones + 20; i++)
        {
            tombstones = tombstones.SetItem(Node("x" + i), i);
        }

        var changed = gossip.Change(Node("n1"), tombstones: tombstones);
        Assert.Equal(Gossip.MaxTombstones, changed.Tombstones.Count);
        Assert.False(changed.IsTombstoned(Node("x0")));
        Assert.True(changed.IsTombstoned(Node("x" + (Gossip.MaxTombstones + 19))));
    }

    [Fact]
    public void Digest_is_equal_for_equal_content_and_differs_otherwise()
    {
        var a = GossipOf(Member("n1"), Member("n2"));
        var b = GossipOf(Member("n1"), Member("n2")).WithSeen(UniqueNodeOrder.EmptySet);
        var c = GossipOf(Member("n1"), Member("n2", MemberStatus.Leaving));
        Assert.Equal(a.Digest(), b.Digest());
        Assert.NotEqual(a.Digest(), c.Digest());
    }
}
