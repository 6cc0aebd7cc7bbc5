using System.Globalization;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Tests.Support;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Storage;

/// <summary>
/// Lookups of many keys at once (<c>IStoreSession.GetRecordsAsync</c>, <see cref="IRecordStore.ReadVersionsAsync"/>):
/// PostgreSQL reads them in one statement over arrays of keys, the others one key at a time. Every
/// result must equal what a loop of point lookups returns: found keys once each, in the order of
/// their first occurrence, tombstones included, absent keys left out.
/// </summary>
public abstract partial class RecordStoreConformance
{
    // Every character a key may hold besides letters and digits, and both cases (ordinal order differs from a culture's).
    private const string PunctuatedKey = "Key-_.~:@+=,!";

    [StoreFact]
    public async Task GetRecords_returns_found_keys_once_in_the_order_given_with_tombstones()
    {
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertRecordAsync(Row("a", "\"ä ключ 🔑\"", 1), default);
            await setup.UpsertRecordAsync(Row("tombstone", null, 2), default);
            await setup.UpsertRecordAsync(Row(PunctuatedKey, "3", 3), default);
            await setup.UpsertRecordAsync(new StoredRecord(Owned("places", "a", "4", B, H(4)), 4), default);
            await setup.CommitAsync(default);
        }

        RecordCursor[] cursors =
        [
            Cursor("missing"), Cursor("tombstone"), Cursor(PunctuatedKey), new(C("places"), K("a")), Cursor("a"),
            Cursor("tombstone"), Cursor("a"), Cursor("key-_.~:@+=,!"), new(C("places"), K("missing")),
        ];

        await using var read = await backend.BeginAsync(false, default);
        var found = await read.GetRecordsAsync(cursors, default);

        Assert.Equal(await LoopOfPointLookupsAsync(read, cursors), found);
        Assert.Equal(
            ["tags/tombstone=(deleted)@2", $"tags/{PunctuatedKey}=3@3", "places/a=4@4", "tags/a=\"ä ключ 🔑\"@1"],
            found.Select(Describe));
    }

    [StoreFact]
    public async Task GetRecords_returns_nothing_when_given_no_cursors()
    {
        var backend = await OpenBackendAsync();
        await using var session = await backend.BeginAsync(true, default);
        await session.UpsertRecordAsync(Row("a", "1", 1), default);

        Assert.Empty(await session.GetRecordsAsync([], default));
        Assert.Equal(["tags/a=1@1"], (await session.GetRecordsAsync([Cursor("a")], default)).Select(Describe));
    }

    [StoreFact]
    public async Task GetRecords_finds_one_key_and_misses_one_key()
    {
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertRecordAsync(Row("a", "1", 1), default);
            await setup.CommitAsync(default);
        }

        await using var read = await backend.BeginAsync(false, default);
        Assert.Equal(["tags/a=1@1"], (await read.GetRecordsAsync([Cursor("a")], default)).Select(Describe));
        Assert.Empty(await read.GetRecordsAsync([Cursor("b")], default));
    }

    [StoreFact]
    public async Task GetRecords_finds_ten_thousand_keys_in_one_call()
    {
        // Beyond any bound on parameters or statements per call; present keys are shuffled among
        // absent ones, so order and completeness are both checked.
        const int present = 10_000;
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            for (var i = 0; i < present; i++)
            {
                await setup.UpsertRecordAsync(Row(LookupKey(i), i % 7 == 0 ? null : Json(i), i + 1), default);
            }

            await setup.CommitAsync(default);
        }

        var random = new Random(20261121);
        var cursors = Enumerable.Range(0, present + 1_000).Select(i => Cursor(LookupKey(i))).OrderBy(_ => random.Next()).ToList();
        await using var read = await backend.BeginAsync(false, default);
        var found = await read.GetRecordsAsync(cursors, default);

        Assert.Equal(present, found.Count);
        Assert.Equal(cursors.Where(c => string.CompareOrdinal(c.Key.Value, LookupKey(present)) < 0), found.Select(r => r.Version.Cursor));
        Assert.All(found, r => Assert.Equal(LookupKey((int)r.Position - 1), r.Version.Key.Value));
        Assert.Equal(present / 7 + 1, found.Count(r => r.Version.Deleted));
    }

    [StoreFact]
    public async Task GetRecords_sees_writes_queued_before_it_in_the_same_session()
    {
        // PostgreSQL queues the writes; a lookup that did not send them first would return the
        // committed rows ("a"=1, "b"=1) and miss "c".
        var backend = await OpenBackendAsync();
        await using (var setup = await backend.BeginAsync(true, default))
        {
            await setup.UpsertRecordAsync(Row("a", "1", 1), default);
            await setup.UpsertRecordAsync(Row("b", "1", 2), default);
            await setup.CommitAsync(default);
        }

        await using var session = await backend.BeginAsync(true, default);
        await session.UpsertRecordAsync(Row("a", "2", 3), default);
        await session.DeleteRecordAsync(Cursor("b"), default);
        await session.UpsertRecordAsync(Row("c", "3", 4), default);

        Assert.Equal(["tags/c=3@4", "tags/a=2@3"], (await session.GetRecordsAsync([Cursor("c"), Cursor("b"), Cursor("a")], default)).Select(Describe));
    }

    [StoreFact]
    public async Task ReadVersions_equals_a_loop_of_point_lookups()
    {
        var store = await OpenNewAsync();
        await store.WriteLocalAsync([Put("tags", "live", "\"ü\"", H(10)), Put("tags", "deleted", "1", H(11)), Put("places", "live", "2", H(12), CollectionKind.Owned)]);
        await store.WriteLocalAsync([Del("tags", "deleted", H(13))]);
        await store.ApplyRemoteAsync([new ChangeRange(B, Hlc.Zero, H(20), [Shared("tags", PunctuatedKey, "3", B, H(20))])]);

        RecordKey[] keys = [K("missing"), K("deleted"), K("live"), K(PunctuatedKey), K("live"), K("deleted"), K("places-only")];
        var loop = new List<RecordVersion>();
        foreach (var key in keys.Distinct())
        {
            if (await store.GetVersionAsync(C("tags"), key) is { } version)
            {
                loop.Add(version);
            }
        }

        var versions = await store.ReadVersionsAsync(C("tags"), keys);

        Assert.Equal(loop, versions);
        Assert.Equal(["deleted", "live", PunctuatedKey], versions.Select(v => v.Key.Value));
        Assert.True(versions[0].Deleted);
        Assert.Empty(await store.ReadVersionsAsync(C("tags"), []));
    }

    private static async Task<List<StoredRecord>> LoopOfPointLookupsAsync(IStoreSession session, IEnumerable<RecordCursor> cursors)
    {
        var found = new List<StoredRecord>();
        foreach (var cursor in cursors.Distinct())
        {
            if (await session.GetRecordAsync(cursor, default) is { } record)
            {
                found.Add(record);
            }
        }

        return found;
    }

    private static string Describe(StoredRecord r) => $"{r.Version.Collection}/{r.Version.Key}={(r.Version.Deleted ? "(deleted)" : r.Version.Value)}@{r.Position}";

    private static string LookupKey(int i) => "k" + i.ToString("D6", CultureInfo.InvariantCulture);
}
