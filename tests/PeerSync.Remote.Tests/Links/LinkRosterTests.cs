using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// The links actor's dormant count as a pure class: numbered wakes against the links' stop reports,
/// so that a stop report overtaken by a wake never counts a running link dormant.
/// </summary>
public sealed class LinkRosterTests
{
    private static readonly NodeId B = NodeId.Parse("b");
    private static readonly NodeId C = NodeId.Parse("c");

    [Fact]
    public void LinkRoster_counts_all_dormant_when_it_has_no_link()
    {
        var roster = new LinkRoster();

        Assert.True(roster.AllDormant);
        Assert.Equal(0, roster.Count);
    }

    [Fact]
    public void LinkRoster_counts_a_new_link_running()
    {
        var roster = new LinkRoster();

        roster.Add(B);

        Assert.False(roster.IsDormant(B));
        Assert.False(roster.AllDormant);
    }

    [Fact]
    public void Stopped_counts_the_link_dormant_when_it_handled_every_wake_sent()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        var wake = roster.NextWake(B);

        Assert.True(roster.Stopped(B, wake));

        Assert.True(roster.IsDormant(B));
        Assert.True(roster.AllDormant);
    }

    [Fact]
    public void Stopped_counts_a_link_never_woken_dormant_when_it_reports_no_wake()
    {
        var roster = new LinkRoster();
        roster.Add(B);

        Assert.True(roster.Stopped(B, WakeSeq.None));

        Assert.True(roster.IsDormant(B));
    }

    [Fact]
    public void Stopped_is_ignored_when_a_later_wake_was_sent()
    {
        // The race: the link stops (its report on the way), a dial-in is offered to it and wakes it,
        // then the report arrives.
        var roster = new LinkRoster();
        roster.Add(B);
        var first = roster.NextWake(B);
        roster.NextWake(B);

        Assert.False(roster.Stopped(B, first));

        Assert.False(roster.IsDormant(B));
        Assert.False(roster.AllDormant);
    }

    [Fact]
    public void Stopped_counts_the_link_dormant_when_its_next_report_carries_the_latest_wake()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        roster.NextWake(B);
        var latest = roster.NextWake(B);
        roster.Stopped(B, new WakeSeq(1));

        Assert.True(roster.Stopped(B, latest));

        Assert.True(roster.IsDormant(B));
    }

    [Fact]
    public void NextWake_counts_a_dormant_link_running_again()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        roster.Stopped(B, WakeSeq.None);

        var wake = roster.NextWake(B);

        Assert.Equal(new WakeSeq(1), wake);
        Assert.False(roster.IsDormant(B));
    }

    [Fact]
    public void AllDormant_is_false_while_any_link_runs()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        roster.Add(C);
        roster.Stopped(B, WakeSeq.None);

        Assert.False(roster.AllDormant);
        roster.Stopped(C, WakeSeq.None);
        Assert.True(roster.AllDormant);
    }

    [Fact]
    public void Remove_forgets_the_link_and_a_new_one_counts_wakes_from_one()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        roster.Add(C);
        roster.NextWake(B);
        roster.NextWake(B);
        roster.Stopped(C, WakeSeq.None);

        roster.Remove(B);

        Assert.False(roster.Contains(B));
        Assert.True(roster.AllDormant);
        roster.Add(B);
        Assert.Equal(new WakeSeq(1), roster.NextWake(B));
    }

    [Fact]
    public void Stopped_throws_naming_the_peer_when_the_report_carries_a_wake_never_sent()
    {
        var roster = new LinkRoster();
        roster.Add(B);
        roster.NextWake(B);

        var error = Assert.Throws<InvalidOperationException>(() => roster.Stopped(B, new WakeSeq(2)));

        Assert.Equal("invariant violated: the link to b reported wake 2 handled, but only 1 were sent", error.Message);
        Assert.False(roster.IsDormant(B));
    }

    [Fact]
    public void LinkRoster_throws_naming_the_peer_when_it_has_no_link_for_it()
    {
        var roster = new LinkRoster();

        Assert.Equal("the roster has no link for b (Parameter 'peer')", Assert.Throws<ArgumentException>(() => roster.NextWake(B)).Message);
        Assert.Equal("the roster has no link for b (Parameter 'peer')", Assert.Throws<ArgumentException>(() => roster.Stopped(B, WakeSeq.None)).Message);
        Assert.Equal("the roster has no link for b (Parameter 'peer')", Assert.Throws<ArgumentException>(() => roster.IsDormant(B)).Message);
    }

    [Fact]
    public void Add_throws_naming_the_peer_when_it_already_has_a_link_for_it()
    {
        var roster = new LinkRoster();
        roster.Add(B);

        var error = Assert.Throws<ArgumentException>(() => roster.Add(B));

        Assert.Equal("the roster already has a link for b (Parameter 'peer')", error.Message);
    }
}
