using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage.InMemory;

/// <summary>
/// A transaction over <see cref="InMemoryStorage"/>: holds the storage lock for its lifetime,
/// applies changes directly and keeps an undo list, replayed backwards when disposed uncommitted.
/// </summary>
internal sealed class InMemorySession : IStoreSession
{
    private readonly InMemoryStorage _s;
    private readonly List<Action> _undo = [];
    private readonly bool _write;
    private bool _done;

    public InMemorySession(InMemoryStorage storage, bool write)
    {
        _s = storage;
        _write = write;
    }

    public ValueTask<StoredRecord?> GetRecordAsync(RecordCursor at, CancellationToken ct) =>
        ValueTask.FromResult(_s.Records.GetValueOrDefault(at));

    public ValueTask<IReadOnlyList<StoredRecord>> GetRecordsAsync(IReadOnlyCollection<RecordCursor> cursors, CancellationToken ct)
    {
        var found = new List<StoredRecord>(cursors.Count);
        foreach (var cursor in cursors.Distinct())
        {
            if (_s.Records.GetValueOrDefault(cursor) is { } record)
            {
                found.Add(record);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(found);
    }

    public ValueTask UpsertRecordAsync(StoredRecord record, CancellationToken ct)
    {
        CheckWrite();
        var cursor = record.Version.Cursor;
        var old = _s.Records.GetValueOrDefault(cursor);
        _s.PutRecord(cursor, record);
        _undo.Add(() => _s.PutRecord(cursor, old));
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteRecordAsync(RecordCursor at, CancellationToken ct)
    {
        CheckWrite();
        var old = _s.Records.GetValueOrDefault(at);
        _s.PutRecord(at, null);
        _undo.Add(() => _s.PutRecord(at, old));
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<StoredRecord>> ScanRecordsAsync(RecordCursor? afterExclusive, RecordCursor? throughInclusive, int limit, CancellationToken ct)
    {
        var lower = afterExclusive ?? InMemoryStorage.MinCursor;
        var upper = throughInclusive ?? InMemoryStorage.MaxCursor;
        var result = new List<StoredRecord>();
        if (lower <= upper)
        {
            foreach (var cursor in _s.RecordOrder.GetViewBetween(lower, upper))
            {
                if (afterExclusive is { } a && cursor == a)
                {
                    continue;
                }

                if (result.Count >= limit)
                {
                    break;
                }

                result.Add(_s.Records[cursor]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<IReadOnlyList<StoredRecord>> ListLiveAsync(CollectionName collection, RecordKey? afterExclusive, int limit, CancellationToken ct)
    {
        var lower = afterExclusive is { } k ? new RecordCursor(collection, k) : new RecordCursor(collection, InMemoryStorage.MinCursor.Key);
        var upper = new RecordCursor(collection, InMemoryStorage.MaxCursor.Key);
        var result = new List<StoredRecord>();
        foreach (var cursor in _s.RecordOrder.GetViewBetween(lower, upper))
        {
            if (result.Count >= limit)
            {
                break;
            }

            var row = _s.Records[cursor];
            if ((afterExclusive is null || cursor != lower) && !row.Version.Deleted)
            {
                result.Add(row);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<IReadOnlyList<StoredRecord>> ReadOwnedStreamAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        var result = new List<StoredRecord>();
        if (_s.OwnedStreams.TryGetValue(origin, out var stream) && afterExclusive < throughInclusive)
        {
            foreach (var (hlc, cursor) in stream.GetViewBetween((afterExclusive, InMemoryStorage.MaxCursor), (throughInclusive, InMemoryStorage.MaxCursor)))
            {
                if (hlc <= afterExclusive)
                {
                    continue;
                }

                if (result.Count >= limit)
                {
                    break;
                }

                result.Add(_s.Records[cursor]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<IReadOnlyList<StoredRecord>> ReadTombstonesAsync(Hlc through, int limit, CancellationToken ct)
    {
        var result = new List<StoredRecord>();
        foreach (var (hlc, cursor) in _s.Tombstones)
        {
            if (hlc > through || result.Count >= limit)
            {
                break;
            }

            result.Add(_s.Records[cursor]);
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<long> CountTombstonesAsync(CancellationToken ct) => ValueTask.FromResult((long)_s.Tombstones.Count);

    public ValueTask<IReadOnlyList<StoredRecord>> ReadFeedAsync(long afterPosition, int limit, CancellationToken ct)
    {
        var result = new List<StoredRecord>();
        if (afterPosition < long.MaxValue)
        {
            foreach (var (_, cursor) in _s.Feed.GetViewBetween((afterPosition + 1, InMemoryStorage.MinCursor), (long.MaxValue, InMemoryStorage.MaxCursor)))
            {
                if (result.Count >= limit)
                {
                    break;
                }

                result.Add(_s.Records[cursor]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<IReadOnlyList<StoredRecord>> ReadBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct)
    {
        var result = new List<StoredRecord>();
        foreach (var bucket in buckets.Distinct())
        {
            if (_s.Buckets.TryGetValue((collection, bucket), out var keys))
            {
                result.AddRange(keys.Select(k => _s.Records[new RecordCursor(collection, k)]));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<StoredRecord>>(result);
    }

    public ValueTask<IReadOnlyList<RecordVersion>> ReadLogAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct)
    {
        var result = new List<RecordVersion>();
        if (_s.LogOrder.TryGetValue(origin, out var order) && afterExclusive < throughInclusive)
        {
            foreach (var hlc in order.GetViewBetween(afterExclusive, throughInclusive))
            {
                if (hlc == afterExclusive)
                {
                    continue;
                }

                if (result.Count >= limit)
                {
                    break;
                }

                result.Add(_s.Log[origin][hlc]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<RecordVersion>>(result);
    }

    public ValueTask AppendLogAsync(RecordVersion change, CancellationToken ct)
    {
        CheckWrite();
        var origin = change.Stamp.Origin;
        if (!_s.Log.TryGetValue(origin, out var log))
        {
            _s.Log[origin] = log = [];
            _s.LogOrder[origin] = [];
        }

        if (log.TryAdd(change.Stamp.Hlc, change))
        {
            _s.LogOrder[origin].Add(change.Stamp.Hlc);
            _undo.Add(() =>
            {
                _s.Log[origin].Remove(change.Stamp.Hlc);
                _s.LogOrder[origin].Remove(change.Stamp.Hlc);
            });
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> PruneLogAsync(OriginId origin, Hlc through, CancellationToken ct)
    {
        CheckWrite();
        if (!_s.LogOrder.TryGetValue(origin, out var order) || order.Count == 0 || order.Min > through)
        {
            return ValueTask.FromResult(0L);
        }

        var removed = order.GetViewBetween(order.Min, through).ToList();
        var entries = removed.Select(h => _s.Log[origin][h]).ToList();
        foreach (var hlc in removed)
        {
            order.Remove(hlc);
            _s.Log[origin].Remove(hlc);
        }

        _undo.Add(() =>
        {
            foreach (var e in entries)
            {
                _s.Log[origin][e.Stamp.Hlc] = e;
                _s.LogOrder[origin].Add(e.Stamp.Hlc);
            }
        });
        return ValueTask.FromResult((long)removed.Count);
    }

    public ValueTask<long> CountLogAsync(OriginId? origin, CancellationToken ct) =>
        ValueTask.FromResult(origin is { } o
            ? (long)(_s.Log.TryGetValue(o, out var log) ? log.Count : 0)
            : _s.Log.Values.Sum(l => (long)l.Count));

    public ValueTask<long> CountLogAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        ValueTask.FromResult(_s.Log.TryGetValue(origin, out var log) ? (long)log.Keys.Count(h => h > afterExclusive) : 0L);

    public ValueTask<long> CountOwnedAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        ValueTask.FromResult(_s.OwnedStreams.TryGetValue(origin, out var stream) ? (long)stream.Count(e => e.Hlc > afterExclusive) : 0L);

    public ValueTask<IReadOnlyList<OriginState>> ReadOriginsAsync(CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<OriginState>>([.. _s.Origins.Values]);

    public ValueTask UpsertOriginAsync(OriginState state, CancellationToken ct) =>
        Set(_s.Origins, state.Origin, state);

    public ValueTask<OriginsAndMeta> ReadOriginsAndMetaAsync(IReadOnlyCollection<string> names, CancellationToken ct) =>
        SessionReads.ReadOriginsAndMetaOneByOneAsync(this, names, ct);

    public ValueTask<IReadOnlyList<BucketState>> ReadBucketStatesAsync(CollectionName? collection, IReadOnlyCollection<int>? buckets, CancellationToken ct)
    {
        if (collection is { } c && buckets is not null)
        {
            return ValueTask.FromResult<IReadOnlyList<BucketState>>(
                [.. buckets.Distinct().Select(b => _s.BucketStates.GetValueOrDefault((c, b))).Where(b => b is not null).Select(b => b!)]);
        }

        return ValueTask.FromResult<IReadOnlyList<BucketState>>(
            [.. _s.BucketStates.Values.Where(b => collection is null || b.Collection == collection).OrderBy(b => b.Collection).ThenBy(b => b.Bucket)]);
    }

    public ValueTask UpsertBucketStateAsync(BucketState state, CancellationToken ct) =>
        Set(_s.BucketStates, (state.Collection, state.Bucket), state);

    public ValueTask<IReadOnlyList<CollectionState>> ReadCollectionStatesAsync(CollectionName? collection, CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<CollectionState>>(
            [.. _s.CollectionStates.Values.Where(c => collection is null || c.Collection == collection).OrderBy(c => c.Collection)]);

    public ValueTask UpsertCollectionStateAsync(CollectionState state, CancellationToken ct) =>
        Set(_s.CollectionStates, state.Collection, state);

    public ValueTask<WriteStart> ReadWriteStartAsync(WriteStartReads reads, CancellationToken ct) =>
        SessionReads.ReadWriteStartOneByOneAsync(this, reads, ct);

    public ValueTask<DigestStates> ReadDigestStatesAsync(IReadOnlyCollection<(CollectionName Collection, int Bucket)> buckets, IReadOnlyCollection<CollectionName> collections, CancellationToken ct) =>
        SessionReads.ReadDigestStatesOneByOneAsync(this, buckets, collections, ct);

    public ValueTask<OriginsAndRecords> ReadOriginsAndScanAsync(RecordCursor? afterExclusive, int limit, CancellationToken ct) =>
        SessionReads.ReadOriginsAndScanOneByOneAsync(this, afterExclusive, limit, ct);

    public ValueTask<OriginsAndRecords> ReadOriginsAndBucketsAsync(CollectionName collection, IReadOnlyCollection<int> buckets, CancellationToken ct) =>
        SessionReads.ReadOriginsAndBucketsOneByOneAsync(this, collection, buckets, ct);

    public ValueTask<StreamRows> ReadStreamRowsAsync(OriginId origin, Hlc afterExclusive, Hlc throughInclusive, int limit, CancellationToken ct) =>
        SessionReads.ReadStreamRowsOneByOneAsync(this, origin, afterExclusive, throughInclusive, limit, ct);

    public ValueTask<long> CountStreamAfterAsync(OriginId origin, Hlc afterExclusive, CancellationToken ct) =>
        SessionReads.CountStreamAfterOneByOneAsync(this, origin, afterExclusive, ct);

    public ValueTask<string?> GetMetaAsync(string name, CancellationToken ct) =>
        ValueTask.FromResult(_s.Meta.GetValueOrDefault(name));

    public ValueTask SetMetaAsync(string name, string? value, CancellationToken ct) => Set(_s.Meta, name, value);

    public ValueTask CommitAsync(CancellationToken ct)
    {
        _done = true;
        _undo.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_done)
        {
            // Rolled back: undo in reverse order.
            for (var i = _undo.Count - 1; i >= 0; i--)
            {
                _undo[i]();
            }
        }

        _s.Lock.Release();
        return ValueTask.CompletedTask;
    }

    private ValueTask Set<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key, TValue? value)
        where TKey : notnull
    {
        CheckWrite();
        var had = map.TryGetValue(key, out var old);
        if (value is null)
        {
            map.Remove(key);
        }
        else
        {
            map[key] = value;
        }

        _undo.Add(() =>
        {
            if (had)
            {
                map[key] = old!;
            }
            else
            {
                map.Remove(key);
            }
        });
        return ValueTask.CompletedTask;
    }

    private void CheckWrite()
    {
        if (!_write)
        {
            throw new InvalidOperationException("write in a read-only record store transaction");
        }
    }
}
