using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.AntiEntropy;

public sealed class AntiEntropyTests
{
    private static readonly OriginId A = Origin("a", 0xA);
    private static readonly OriginId B = Origin("b", 0xB);
    private static readonly NodeId Peer = Node("b");

    private static DigestEntry Entry(string key, OriginId origin, long ms, bool deleted = false) => new(K(key), new VersionStamp(H(ms), origin), deleted);

    private static BucketEntries Entries(Watermarks applied, params DigestEntry[] entries) => new(C("tags"), [0], applied, entries);

    [Fact]
    public void DifferingBuckets_lists_buckets_whose_fingerprints_differ_within_the_budget()
    {
        var local = new[] { new BucketDigests(C("tags"), 3, 6, new Dictionary<int, ulong> { [1] = 1, [2] = 2, [3] = 3 }) };
        var remote = new[]
        {
            new BucketDigests(C("tags"), 3, 7, new Dictionary<int, ulong> { [1] = 1, [2] = 3, [4] = 3 }),
            new BucketDigests(C("other"), 1, 9, new Dictionary<int, ulong> { [7] = 9 }),
        };
        var differing = RepairPlanner.DifferingBuckets(local, remote, 10);
        Assert.Equal([(C("other"), (IReadOnlyList<int>)[7]), (C("tags"), [2, 3, 4])], differing.Select(d => (d.Collection, (IReadOnlyList<int>)[.. d.Buckets])).ToList(), new TupleComparer());
        Assert.Equal(2, RepairPlanner.DifferingBuckets(local, remote, 2).Sum(d => d.Buckets.Count));
        Assert.Empty(RepairPlanner.DifferingBuckets(local, local, 10));
    }

    private sealed class TupleComparer : IEqualityComparer<(CollectionName, IReadOnlyList<int>)>
    {
        public bool Equals((CollectionName, IReadOnlyList<int>) x, (CollectionName, IReadOnlyList<int>) y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2);

        public int GetHashCode((CollectionName, IReadOnlyList<int>) obj) => obj.Item1.GetHashCode();
    }

    [Fact]
    public void Plan_pulls_newer_and_unseen_versions_and_deletes_what_the_peer_saw_deleted()
    {
        var mine = Entries(Watermarks.Empty.With(A, H(100)).With(B, H(50)),
            Entry("older-here", A, 10),
            Entry("newer-here", A, 90),
            Entry("peer-deleted", A, 20),
            Entry("peer-lacks", A, 95),
            Entry("tie", B, 30));
        var theirs = Entries(Watermarks.Empty.With(A, H(60)).With(B, H(100)),
            Entry("older-here", B, 40),
            Entry("newer-here", B, 45),
            Entry("unseen", B, 70),
            Entry("seen-and-gone", B, 40),
            Entry("tie", B, 30, deleted: true));
        var plan = RepairPlanner.Plan(mine, theirs, 100);
        Assert.Equal(["older-here", "tie", "unseen"], plan.Pull.Select(k => k.Value).Order(StringComparer.Ordinal));
        var deletion = Assert.Single(plan.Deletions);
        Assert.Equal(K("peer-deleted"), deletion.Record.Key);
        Assert.Equal(new VersionStamp(H(20), A), deletion.Stamp);
    }

    [Fact]
    public void Plan_stops_at_the_key_budget()
    {
        var mine = Entries(Watermarks.Empty);
        var theirs = Entries(Watermarks.Empty, Entry("a", B, 1), Entry("b", B, 2), Entry("c", B, 3));
        Assert.Equal(2, RepairPlanner.Plan(mine, theirs, 2).Pull.Count);
    }

    [Fact]
    public void Machine_runs_a_round_when_a_peer_becomes_available_and_counts_repairs()
    {
        var machine = new AntiEntropyMachine(new AntiEntropyConfig(10_000, 8, 100, 1000), 0);
        machine.Step(new AntiEntropyPeerAvailable(Peer), 0);
        var exchange = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        var local = new[] { new BucketDigests(C("tags"), 1, 5, new Dictionary<int, ulong> { [0] = 5 }) };
        var remote = new[] { new BucketDigests(C("tags"), 1, 6, new Dictionary<int, ulong> { [0] = 6 }) };
        machine.Step(new DigestsReceived(exchange.RoundId, local, remote), 1);
        var fetch = Assert.IsType<FetchBucketEntries>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal([0], fetch.Buckets.Single().Buckets);
        machine.Step(new EntriesReceived(fetch.RoundId, [Entries(Watermarks.Empty, Entry("x", A, 1))], [Entries(Watermarks.Empty, Entry("x", B, 2))]), 2);
        var pull = Assert.IsType<PullAndRepair>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal([K("x")], pull.Repairs.Single().Pull);
        machine.Step(new RepairApplied(pull.RoundId, 1, 0), 3);
        var done = Assert.IsType<AntiEntropyRoundCompleted>(Assert.Single(machine.TakeReady().Notices));
        Assert.Equal(1, done.RecordsRepaired);
        Assert.Equal(1, machine.RepairedTotal);
        Assert.False(machine.InRound);
    }

    [Fact]
    public void Machine_abandons_an_unanswered_round_and_starts_periodic_rounds_in_turn()
    {
        var machine = new AntiEntropyMachine(new AntiEntropyConfig(5000, 8, 100, 1000), 0);
        machine.Step(new AntiEntropyPeerAvailable(Node("b")), 0);
        machine.Step(new AntiEntropyPeerAvailable(Node("c")), 0);
        var first = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        machine.Step(new AntiEntropyTick(), 1000);
        var ready = machine.TakeReady();
        Assert.Contains(ready.Notices, n => n is AntiEntropyRoundAbandoned);
        var second = Assert.IsType<ExchangeDigests>(Assert.Single(ready.Commands));
        Assert.NotEqual(first.Peer, second.Peer);

        // A late answer of the abandoned round changes nothing.
        machine.Step(new DigestsReceived(first.RoundId, [], []), 1001);
        Assert.True(machine.InRound);
        machine.Step(new DigestsReceived(second.RoundId, [], []), 1002);
        Assert.False(machine.InRound);

        machine.Step(new AntiEntropyTick(), 5000);
        Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
    }

    /// <summary>
    /// The host reads this node's side of a comparison beside its turn, so other inputs come between
    /// a response and the step with its result: here the round times out and a new round with the
    /// same peer reaches the entries stage before the first round's result arrives. The late result
    /// is ignored; the current round's result goes on to a repair.
    /// </summary>
    [Fact]
    public void Machine_ignores_an_entries_result_of_a_timed_out_round_while_a_later_round_waits_for_its_own()
    {
        var machine = new AntiEntropyMachine(new AntiEntropyConfig(5000, 8, 100, 1000), 0);
        var local = new[] { new BucketDigests(C("tags"), 1, 5, new Dictionary<int, ulong> { [0] = 5 }) };
        var remote = new[] { new BucketDigests(C("tags"), 1, 6, new Dictionary<int, ulong> { [0] = 6 }) };
        machine.Step(new AntiEntropyPeerAvailable(Peer), 0);
        var first = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        machine.Step(new DigestsReceived(first.RoundId, local, remote), 10);
        var firstFetch = Assert.IsType<FetchBucketEntries>(Assert.Single(machine.TakeReady().Commands));

        // No entries within the round timeout: abandoned; the next periodic round is with the same peer.
        machine.Step(new AntiEntropyTick(), 1010);
        Assert.IsType<AntiEntropyRoundAbandoned>(Assert.Single(machine.TakeReady().Notices));
        machine.Step(new AntiEntropyTick(), 5000);
        var second = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal(Peer, second.Peer);
        machine.Step(new DigestsReceived(second.RoundId, local, remote), 5010);
        var secondFetch = Assert.IsType<FetchBucketEntries>(Assert.Single(machine.TakeReady().Commands));
        Assert.NotEqual(firstFetch.RoundId, secondFetch.RoundId);

        // The first round's result arrives now: it would plan a pull, but changes nothing.
        machine.Step(new EntriesReceived(firstFetch.RoundId, [Entries(Watermarks.Empty, Entry("x", A, 1))], [Entries(Watermarks.Empty, Entry("x", B, 2))]), 5020);
        var ignoredReady = machine.TakeReady();
        Assert.Empty(ignoredReady.Commands);
        Assert.Equal(new AntiEntropyAnswerIgnored(nameof(EntriesReceived), firstFetch.RoundId, secondFetch.RoundId), Assert.Single(ignoredReady.Notices));
        Assert.True(machine.InRound);

        machine.Step(new EntriesReceived(secondFetch.RoundId, [Entries(Watermarks.Empty, Entry("y", A, 1))], [Entries(Watermarks.Empty, Entry("y", B, 2))]), 5030);
        var pull = Assert.IsType<PullAndRepair>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal(secondFetch.RoundId, pull.RoundId);
        Assert.Equal([K("y")], pull.Repairs.Single().Pull);
    }

    /// <summary>A result read for a round whose peer went away meanwhile is ignored, and no round is left open.</summary>
    [Fact]
    public void Machine_ignores_a_digests_result_of_a_round_whose_peer_became_unavailable()
    {
        var machine = new AntiEntropyMachine(new AntiEntropyConfig(5000, 8, 100, 1000), 0);
        machine.Step(new AntiEntropyPeerAvailable(Peer), 0);
        var exchange = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        machine.Step(new AntiEntropyPeerUnavailable(Peer), 5);
        Assert.IsType<AntiEntropyRoundAbandoned>(Assert.Single(machine.TakeReady().Notices));

        var local = new[] { new BucketDigests(C("tags"), 1, 5, new Dictionary<int, ulong> { [0] = 5 }) };
        machine.Step(new DigestsReceived(exchange.RoundId, local, []), 10);
        var ignoredReady = machine.TakeReady();
        Assert.Empty(ignoredReady.Commands);
        Assert.Equal(new AntiEntropyAnswerIgnored(nameof(DigestsReceived), exchange.RoundId, null), Assert.Single(ignoredReady.Notices));
        Assert.False(machine.InRound);
    }

    /// <summary>
    /// A machine made anew after one that issued rounds up to 7 (the coordinator restarted in the same
    /// process) numbers its rounds from 8, so an answer to the old machine's rounds, which a peer may
    /// still send, matches none of its rounds and is ignored; its own answers go on. Regression: the
    /// new machine numbered its rounds from 1 again and took the old round 1's entries for its own.
    /// </summary>
    [Fact]
    public void Machine_refuses_a_negative_last_round_id_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AntiEntropyMachine(new AntiEntropyConfig(5000, 8, 100, 1000), 0, lastRoundId: -1));
        Assert.Equal("lastRoundId", error.ParamName);
    }

    [Fact]
    public void Machine_made_after_round_n_numbers_its_rounds_from_n_plus_1_and_ignores_answers_to_earlier_rounds()
    {
        var config = new AntiEntropyConfig(5000, 8, 100, 1000);
        var local = new[] { new BucketDigests(C("tags"), 1, 5, new Dictionary<int, ulong> { [0] = 5 }) };
        var remote = new[] { new BucketDigests(C("tags"), 1, 6, new Dictionary<int, ulong> { [0] = 6 }) };
        var machine = new AntiEntropyMachine(config, 0, lastRoundId: 7);
        Assert.Equal(7, machine.LastRoundId);

        machine.Step(new AntiEntropyPeerAvailable(Peer), 0);
        var exchange = Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal(8, exchange.RoundId);
        Assert.Equal(8, machine.LastRoundId);
        machine.Step(new DigestsReceived(exchange.RoundId, local, remote), 10);
        var fetch = Assert.IsType<FetchBucketEntries>(Assert.Single(machine.TakeReady().Commands));

        // Entries for the earlier machine's rounds (1, the first one it ran, and 7, its last) plan a pull, but change nothing.
        foreach (var earlier in new long[] { 1, 7 })
        {
            machine.Step(new EntriesReceived(earlier, [Entries(Watermarks.Empty, Entry("stale", A, 1))], [Entries(Watermarks.Empty, Entry("stale", B, 2))]), 20);
            var ignored = machine.TakeReady();
            Assert.Empty(ignored.Commands);
            Assert.Equal(new AntiEntropyAnswerIgnored(nameof(EntriesReceived), earlier, 8), Assert.Single(ignored.Notices));
            Assert.True(machine.InRound);
        }

        machine.Step(new EntriesReceived(fetch.RoundId, [Entries(Watermarks.Empty, Entry("x", A, 1))], [Entries(Watermarks.Empty, Entry("x", B, 2))]), 30);
        var pull = Assert.IsType<PullAndRepair>(Assert.Single(machine.TakeReady().Commands));
        Assert.Equal(8, pull.RoundId);
        Assert.Equal([K("x")], pull.Repairs.Single().Pull);
        machine.Step(new RepairApplied(7, 1, 0), 40);
        Assert.IsType<AntiEntropyAnswerIgnored>(Assert.Single(machine.TakeReady().Notices));
        machine.Step(new RepairApplied(8, 1, 0), 50);
        Assert.Equal(1, Assert.IsType<AntiEntropyRoundCompleted>(Assert.Single(machine.TakeReady().Notices)).RecordsRepaired);

        // The next round is 9, and a machine made after it would start at 10.
        machine.Step(new AntiEntropyTick(), 5000);
        Assert.Equal(9, Assert.IsType<ExchangeDigests>(Assert.Single(machine.TakeReady().Commands)).RoundId);
        var next = new AntiEntropyMachine(config, 5000, machine.LastRoundId);
        next.Step(new AntiEntropyPeerAvailable(Peer), 5000);
        Assert.Equal(10, Assert.IsType<ExchangeDigests>(Assert.Single(next.TakeReady().Commands)).RoundId);
    }
}
