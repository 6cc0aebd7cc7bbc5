using PeerSync.Persistence.Model;
using static PeerSync.Persistence.Tests.Tck.TestEvents;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.Model;

public sealed class ModelTests
{
    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a\nb", "control character U+000A")]
    [InlineData("a\0b", "control character U+0000")]
    public void PersistenceId_names_the_problem_when_invalid(string text, string expected)
    {
        Assert.False(PersistenceId.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistenceId_rejects_ids_longer_than_the_limit_and_accepts_the_limit()
    {
        Assert.Equal(255, PersistenceId.Parse(new string('p', 255)).Value.Length);
        var ex = Assert.Throws<FormatException>(() => PersistenceId.Parse(new string('p', 256)));
        Assert.Contains("at most 255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PersistenceId_orders_ordinally()
    {
        Assert.True(Id("A") < Id("a"));
        Assert.True(Id("peer-10") < Id("peer-9"));
    }

    [Fact]
    public void AtomicWrite_rejects_events_of_two_persistence_ids_naming_both()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AtomicWrite([Event(Id("a"), 1), Event(Id("b"), 2)]));
        Assert.Contains("event 1 has 'b' but event 0 has 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicWrite_rejects_a_gap_or_a_descending_sequence_nr()
    {
        var gap = Assert.Throws<ArgumentException>(() => new AtomicWrite([Event(Id("a"), 1), Event(Id("a"), 3)]));
        Assert.Contains("event 1 has sequence nr 3, expected 2", gap.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AtomicWrite([Event(Id("a"), 2), Event(Id("a"), 1)]));
    }

    [Fact]
    public void AtomicWrite_rejects_an_empty_list_or_a_null_event()
    {
        Assert.Contains("at least one event", Assert.Throws<ArgumentException>(() => new AtomicWrite([])).Message, StringComparison.Ordinal);
        Assert.Contains("event 1 of the atomic write is null", Assert.Throws<ArgumentException>(() => new AtomicWrite([Event(Id("a"), 1), null!])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicWrite_exposes_its_id_and_range()
    {
        var write = Write(Id("a"), 4, count: 3);
        Assert.Equal((Id("a"), 4L, 6L), (write.PersistenceId, write.LowestSequenceNr, write.HighestSequenceNr));
        Assert.Equal("AtomicWrite(a, 4..6)", write.ToString());
    }

    [Fact]
    public void PersistentRepr_rejects_a_sequence_nr_below_1_or_a_default_id()
    {
        var payload = new SerializedPayload(1, "", []);
        Assert.Contains("start at 1", Assert.Throws<ArgumentOutOfRangeException>(() => new PersistentRepr(Id("a"), 0, payload, 0, "w")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PersistentRepr(default, 1, payload, 0, "w"));
        Assert.Throws<ArgumentNullException>(() => new PersistentRepr(Id("a"), 1, null!, 0, "w"));
    }

    [Fact]
    public void SerializedPayload_compares_by_content()
    {
        Assert.Equal(new SerializedPayload(1, "m", [1, 2]), new SerializedPayload(1, "m", [1, 2]));
        Assert.NotEqual(new SerializedPayload(1, "m", [1, 2]), new SerializedPayload(1, "m", [1, 3]));
        Assert.NotEqual(new SerializedPayload(1, "m", [1, 2]), new SerializedPayload(2, "m", [1, 2]));
        Assert.NotEqual(new SerializedPayload(1, "m", [1, 2]), new SerializedPayload(1, "n", [1, 2]));
    }

    [Fact]
    public void SnapshotSelectionCriteria_matches_within_inclusive_bounds()
    {
        var criteria = new SnapshotSelectionCriteria(maxSequenceNr: 20, maxTimestampMs: 200, minSequenceNr: 10, minTimestampMs: 100);
        Assert.True(criteria.Matches(new SnapshotMetadata(Id("a"), 10, 100)));
        Assert.True(criteria.Matches(new SnapshotMetadata(Id("a"), 20, 200)));
        Assert.False(criteria.Matches(new SnapshotMetadata(Id("a"), 21, 150)));
        Assert.False(criteria.Matches(new SnapshotMetadata(Id("a"), 9, 150)));
        Assert.False(criteria.Matches(new SnapshotMetadata(Id("a"), 15, 201)));
        Assert.False(criteria.Matches(new SnapshotMetadata(Id("a"), 15, 99)));
    }

    [Fact]
    public void SnapshotSelectionCriteria_Latest_matches_everything_and_None_nothing()
    {
        Assert.True(SnapshotSelectionCriteria.Latest.Matches(new SnapshotMetadata(Id("a"), 0, 0)));
        Assert.True(SnapshotSelectionCriteria.Latest.Matches(new SnapshotMetadata(Id("a"), long.MaxValue, long.MaxValue)));
        Assert.False(SnapshotSelectionCriteria.None.Matches(new SnapshotMetadata(Id("a"), 0, 0)));
        Assert.False(SnapshotSelectionCriteria.None.Matches(new SnapshotMetadata(Id("a"), 1, 0)));
    }

    [Fact]
    public void SnapshotSelectionCriteria_Limit_only_ever_lowers_the_maximum()
    {
        Assert.Equal(5, SnapshotSelectionCriteria.Latest.Limit(5).MaxSequenceNr);
        Assert.Same(SnapshotSelectionCriteria.Latest, SnapshotSelectionCriteria.Latest.Limit(long.MaxValue));
        var capped = new SnapshotSelectionCriteria(10, 100, minSequenceNr: 5);
        Assert.Equal(10, capped.Limit(50).MaxSequenceNr);
        Assert.False(capped.Limit(3).Matches(new SnapshotMetadata(Id("a"), 5, 0)));
    }

    [Fact]
    public void SnapshotSelectionCriteria_rejects_negative_minimums()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotSelectionCriteria(1, 1, minSequenceNr: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotSelectionCriteria(1, 1, minTimestampMs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotMetadata(Id("a"), -1, 0));
    }
}
