using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Membership;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Downing;

public sealed class BrokenLinkCoverTests
{
    private static string[] Cover(Gossip gossip, params string[] byAge) =>
        BrokenLinkCover.Of(byAge.Select(id => Node(id)).ToList(), CredibleReachability.BrokenLinks(gossip))
            .Select(n => n.Id.ToString()).ToArray();

    private static Gossip Members(int count) =>
        GossipOf(Enumerable.Range(1, count).Select(i => Member("n" + i, startupMs: i)).ToArray());

    [Fact]
    public void One_broken_link_downs_the_younger_end_in_either_direction()
    {
        Assert.Equal(["n2"], Cover(Members(3).WithUnreachable("n1", "n2"), "n1", "n2"));
        Assert.Equal(["n2"], Cover(Members(3).WithUnreachable("n2", "n1"), "n1", "n2"));
    }

    [Fact]
    public void The_member_at_every_broken_link_is_downed_alone_even_when_it_is_the_oldest()
    {
        Assert.Equal(["n3"], Cover(Members(5).WithUnreachable("n3", "n1", "n2"), "n1", "n2", "n3"));
        Assert.Equal(["n1"], Cover(Members(5).WithUnreachable("n1", "n2", "n3"), "n1", "n2", "n3"));
    }

    [Fact]
    public void Members_with_broken_links_between_all_of_them_keep_the_oldest()
    {
        var triangle = Members(4).WithUnreachable("n1", "n2", "n3").WithUnreachable("n2", "n3");
        Assert.Equal(["n2", "n3"], Cover(triangle, "n1", "n2", "n3"));
    }

    [Fact]
    public void A_path_downs_its_middle_and_no_link_downs_nobody()
    {
        Assert.Equal(["n2"], Cover(Members(4).WithUnreachable("n1", "n2").WithUnreachable("n3", "n2"), "n1", "n2", "n3"));
        Assert.Empty(Cover(Members(3), "n1", "n2"));
    }

    [Fact]
    public void Above_the_search_bound_all_but_the_oldest_are_downed()
    {
        var count = BrokenLinkCover.MaxSearchedMembers + 1;
        var ids = Enumerable.Range(1, count).Select(i => "n" + i).ToArray();
        var gossip = Members(count).WithUnreachable("n1", ids[1..]);
        Assert.Equal(ids[1..].Order(StringComparer.Ordinal).ToArray(), Cover(gossip, ids).Order(StringComparer.Ordinal).ToArray());
    }
}
