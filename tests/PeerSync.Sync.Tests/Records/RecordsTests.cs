using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Records;

public sealed class RecordsTests
{
    private static readonly OriginId A = Origin("a");
    private static readonly OriginId B = Origin("b");

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("Tags", "must start with a lowercase letter or digit")]
    [InlineData("tags!", "contains '!'")]
    [InlineData("_x", "must start with a lowercase letter or digit")]
    public void CollectionName_names_the_problem_when_invalid(string text, string expected)
    {
        Assert.False(CollectionName.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectionName_and_RecordKey_refuse_overlong_values()
    {
        Assert.Contains("at most 64", Assert.Throws<FormatException>(() => CollectionName.Parse(new string('a', 65))).Message, StringComparison.Ordinal);
        Assert.Contains("at most 256", Assert.Throws<FormatException>(() => RecordKey.Parse(new string('a', 257))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b", "contains '/'")]
    [InlineData("é", "contains 'é'")]
    [InlineData("a b", "contains ' '")]
    [InlineData("", "must not be empty")]
    public void RecordKey_names_the_problem_when_invalid(string text, string expected)
    {
        Assert.False(RecordKey.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordKey_allows_url_safe_punctuation() => Assert.Equal("user:42@eu-1.x~y+z=1,!", RecordKey.Parse("user:42@eu-1.x~y+z=1,!").Value);

    [Theory]
    [InlineData(null, "must not be null")]
    [InlineData("{", "one JSON value")]
    [InlineData("1 2", "one JSON value")]
    public void RecordValue_names_the_problem_when_invalid(string? json, string expected) =>
        Assert.Contains(expected, RecordValue.Validate(json), StringComparison.Ordinal);

    [Fact]
    public void RecordValue_refuses_values_over_the_size_limit() =>
        Assert.Contains("at most", RecordValue.Validate("\"" + new string('x', RecordValue.MaxLengthChars) + "\""), StringComparison.Ordinal);

    [Fact]
    public void MergeRules_keep_the_greater_stamp_and_break_ties_by_node_then_tombstone()
    {
        var older = Shared("tags", "k", "1", B, H(10));
        var newer = Shared("tags", "k", "2", A, H(11));
        Assert.True(MergeRules.ShouldReplace(older, newer));
        Assert.False(MergeRules.ShouldReplace(newer, older));
        Assert.True(MergeRules.ShouldReplace(Shared("tags", "k", "1", A, H(10)), Shared("tags", "k", "1", B, H(10))));
        Assert.True(MergeRules.ShouldReplace(older, older.AsTombstone()));
        Assert.False(MergeRules.ShouldReplace(older.AsTombstone(), older));
        Assert.False(MergeRules.ShouldReplace(older, older));
        Assert.True(MergeRules.ShouldReplace(null, older));
    }

    [Fact]
    public void MergeRules_are_order_independent_over_any_permutation()
    {
        var versions = new[]
        {
            Shared("tags", "k", "1", A, H(10)), Shared("tags", "k", "2", B, H(10)), Shared("tags", "k", null, A, H(12)),
            Shared("tags", "k", "3", B, H(12)), Shared("tags", "k", "4", A, H(11)),
        };
        RecordVersion? Fold(IEnumerable<RecordVersion> order) =>
            order.Aggregate((RecordVersion?)null, (state, v) => MergeRules.ShouldReplace(state, v) ? v : state);
        var expected = Fold(versions);
        var random = new PeerSync.Sync.Peers.SeededRandom(7);
        for (var i = 0; i < 50; i++)
        {
            var shuffled = versions.Concat(versions.Take(2)).OrderBy(_ => random.NextUInt64()).ToList();
            Assert.Equal(expected, Fold(shuffled));
        }
    }

    [Fact]
    public void CheckLocalWrite_allows_only_the_owner_to_change_a_live_owned_record()
    {
        var ownedByB = Owned("places", "p", "1", B, H(5));
        var refused = MergeRules.CheckLocalWrite(CollectionKind.Owned, ownedByB, A);
        Assert.Equal(LocalWriteRefusal.NotOwner, refused.Refusal);
        Assert.Contains("owned by node b", refused.Reason, StringComparison.Ordinal);
        Assert.True(MergeRules.CheckLocalWrite(CollectionKind.Owned, ownedByB, B).IsAllowed);
        Assert.True(MergeRules.CheckLocalWrite(CollectionKind.Owned, ownedByB.AsTombstone(), A).IsAllowed);
        Assert.True(MergeRules.CheckLocalWrite(CollectionKind.Shared, Shared("tags", "k", "1", B, H(1)), A).IsAllowed);
        Assert.Equal(LocalWriteRefusal.KindMismatch, MergeRules.CheckLocalWrite(CollectionKind.Shared, ownedByB, B).Refusal);
        Assert.Equal(LocalWriteRefusal.UnsupportedKind, MergeRules.CheckLocalWrite(CollectionKind.Sequenced, null, A).Refusal);
    }

    [Fact]
    public void AbsentMeansDeleted_only_for_live_versions_the_absent_side_has_covered()
    {
        var version = Shared("tags", "k", "1", B, H(10));
        Assert.True(MergeRules.AbsentMeansDeleted(version, Watermarks.Empty.With(B, H(10))));
        Assert.False(MergeRules.AbsentMeansDeleted(version, Watermarks.Empty.With(B, H(9))));
        Assert.False(MergeRules.AbsentMeansDeleted(version.AsTombstone(), Watermarks.Empty.With(B, H(10))));
    }

    [Fact]
    public void Watermarks_merge_elementwise()
    {
        var x = Watermarks.Empty.With(A, H(5)).With(B, H(1));
        var y = Watermarks.Empty.With(A, H(3)).With(B, H(4));
        Assert.Equal(Watermarks.Empty.With(A, H(5)).With(B, H(4)), x.Max(y));
        Assert.Equal(Watermarks.Empty.With(A, H(3)).With(B, H(1)), x.Min(y));
        Assert.Equal(Watermarks.Empty.With(A, H(3)), x.Min(Watermarks.Empty.With(A, H(3))));
        Assert.True(x.Max(y).Dominates(x));
        Assert.False(x.Dominates(y));
        Assert.Equal(Hlc.Zero, Watermarks.Empty[A]);
        Assert.Equal(0, Watermarks.Empty.With(A, Hlc.Zero).Count);
    }

    [Fact]
    public void ChangeRange_validation_names_each_problem()
    {
        Assert.Contains("before it starts", new ChangeRange(A, H(5), H(4), []).Validate(), StringComparison.Ordinal);
        Assert.Contains("holds a change of b", new ChangeRange(A, H(1), H(5), [Shared("tags", "k", "1", B, H(2))]).Validate(), StringComparison.Ordinal);
        Assert.Contains("out of order", new ChangeRange(A, H(1), H(5), [Shared("tags", "k", "1", A, H(3)), Shared("tags", "j", "1", A, H(2))]).Validate(), StringComparison.Ordinal);
        Assert.Contains("one JSON value", new ChangeRange(A, H(1), H(5), [Shared("tags", "k", "nope", A, H(3))]).Validate(), StringComparison.Ordinal);
        Assert.Null(new ChangeRange(A, H(1), H(5), [Shared("tags", "k", "1", A, H(3))]).Validate());
    }

    [Fact]
    public void CollectionCatalog_uses_the_default_kind_and_fingerprints_the_configuration()
    {
        var a = new CollectionCatalog(CollectionKind.Shared, new Dictionary<CollectionName, CollectionKind> { [C("places")] = CollectionKind.Owned });
        var b = new CollectionCatalog(CollectionKind.Shared, new Dictionary<CollectionName, CollectionKind> { [C("places")] = CollectionKind.Shared });
        Assert.Equal(CollectionKind.Owned, a.KindOf(C("places")));
        Assert.Equal(CollectionKind.Shared, a.KindOf(C("other")));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.Fingerprint, new CollectionCatalog(CollectionKind.Shared, new Dictionary<CollectionName, CollectionKind> { [C("places")] = CollectionKind.Owned }).Fingerprint);
    }
}
