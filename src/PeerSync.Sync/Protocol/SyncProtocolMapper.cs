using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Protocol;

/// <summary>
/// Converts between the sync model and the wire messages of sync.proto. Everything read from the
/// wire is validated; a violation throws <see cref="SyncProtocolException"/> naming the field.
/// </summary>
public static class SyncProtocolMapper
{
    /// <summary>Bumped on incompatible changes; exchanged in <see cref="V1.SyncHello"/>.</summary>
    public const uint ProtocolVersion = 1;

    public static V1.Origin ToProto(OriginId origin) => new() { Node = origin.Node.Value, Epoch = origin.Epoch.Value };

    public static OriginId FromProto(V1.Origin? origin, string field)
    {
        if (origin is null)
        {
            throw new SyncProtocolException($"{field}: the origin is missing");
        }

        if (!NodeId.TryParse(origin.Node, out var node, out var error))
        {
            throw new SyncProtocolException($"{field}: {error}");
        }

        return origin.Epoch == 0
            ? throw new SyncProtocolException($"{field}: the data epoch of {node} is zero")
            : new OriginId(node, new DataEpoch(origin.Epoch));
    }

    public static IEnumerable<V1.Watermark> ToProto(Watermarks watermarks)
    {
        ArgumentNullException.ThrowIfNull(watermarks);
        return watermarks.Select(e => new V1.Watermark { Origin = ToProto(e.Key), Position = e.Value.Value });
    }

    public static Watermarks FromProto(IEnumerable<V1.Watermark> watermarks, string field)
    {
        ArgumentNullException.ThrowIfNull(watermarks);
        return Watermarks.From(watermarks.Select(w => new KeyValuePair<OriginId, Hlc>(FromProto(w.Origin, field), ToHlc(w.Position, field))));
    }

    public static V1.RecordVersion ToProto(RecordVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var proto = new V1.RecordVersion
        {
            Collection = version.Collection.Value,
            Key = version.Key.Value,
            Kind = version.Kind == CollectionKind.Owned ? V1.Kind.Owned : V1.Kind.Shared,
            Deleted = version.Deleted,
            Hlc = version.Stamp.Hlc.Value,
            Origin = ToProto(version.Stamp.Origin),
        };
        if (version.Value is not null)
        {
            proto.ValueJson = version.Value;
        }

        return proto;
    }

    public static RecordVersion FromProto(V1.RecordVersion proto, string field)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var collection = Parse<CollectionName>(proto.Collection, CollectionName.TryParse, field);
        var key = Parse<RecordKey>(proto.Key, RecordKey.TryParse, field);
        var kind = proto.Kind switch
        {
            V1.Kind.Shared => CollectionKind.Shared,
            V1.Kind.Owned => CollectionKind.Owned,
            _ => throw new SyncProtocolException($"{field}: record {collection}/{key} has unknown kind {(int)proto.Kind}"),
        };
        var version = new RecordVersion(collection, key, kind, proto.Deleted, proto.HasValueJson ? proto.ValueJson : null,
            new VersionStamp(ToHlc(proto.Hlc, field), FromProto(proto.Origin, field)));
        var error = version.Validate();
        return error is null ? version : throw new SyncProtocolException($"{field}: {error}");
    }

    public static V1.ChangeBatch ToProto(SyncSessionId session, long batchId, ChangeRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var batch = new V1.ChangeBatch
        {
            Session = session.Value,
            BatchId = (ulong)batchId,
            Origin = ToProto(range.Origin),
            FromExclusive = range.FromExclusive.Value,
            ThroughInclusive = range.ThroughInclusive.Value,
        };
        batch.Changes.AddRange(range.Changes.Select(ToProto));
        return batch;
    }

    public static ChangeRange FromProto(V1.ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var range = new ChangeRange(
            FromProto(batch.Origin, "batch.origin"),
            ToHlc(batch.FromExclusive, "batch.from_exclusive"),
            ToHlc(batch.ThroughInclusive, "batch.through_inclusive"),
            [.. batch.Changes.Select(c => FromProto(c, "batch.changes"))]);
        var error = range.Validate();
        return error is null ? range : throw new SyncProtocolException($"batch {batch.BatchId}: {error}");
    }

    public static V1.SyncHello ToProto(SyncSessionId session, SyncHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        var proto = new V1.SyncHello
        {
            Session = session.Value,
            DataEpoch = hello.Epoch.Value,
            Backfilling = hello.Backfilling,
            CatalogFingerprint = hello.CatalogFingerprint,
            ReplyRequested = hello.ReplyRequested,
            ProtocolVersion = ProtocolVersion,
        };
        proto.Applied.AddRange(ToProto(hello.Applied));
        proto.Floors.AddRange(ToProto(hello.Floors));
        return proto;
    }

    public static SyncHello FromProto(V1.SyncHello proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        if (proto.ProtocolVersion != ProtocolVersion)
        {
            throw new SyncProtocolException($"hello: sync protocol version {proto.ProtocolVersion} is not supported (this node speaks {ProtocolVersion})");
        }

        if (proto.DataEpoch == 0)
        {
            throw new SyncProtocolException("hello: the data epoch is zero");
        }

        return new SyncHello(new DataEpoch(proto.DataEpoch), FromProto(proto.Applied, "hello.applied"), FromProto(proto.Floors, "hello.floors"),
            proto.Backfilling, proto.CatalogFingerprint, proto.ReplyRequested);
    }

    public static V1.BatchAck ToProto(SyncSessionId session, BatchAck ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var proto = new V1.BatchAck { Session = session.Value, BatchId = (ulong)ack.BatchId, Status = (V1.AckStatus)(int)ack.Status };
        proto.Applied.AddRange(ToProto(ack.Applied));
        return proto;
    }

    public static BatchAck FromProto(V1.BatchAck proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        if (!Enum.IsDefined((AckStatus)(int)proto.Status))
        {
            throw new SyncProtocolException($"ack {proto.BatchId}: unknown status {(int)proto.Status}");
        }

        return new BatchAck((long)proto.BatchId, (AckStatus)(int)proto.Status, FromProto(proto.Applied, "ack.applied"));
    }

    public static V1.RecordCursor? ToProto(RecordCursor? cursor) =>
        cursor is { } c ? new V1.RecordCursor { Collection = c.Collection.Value, Key = c.Key.Value } : null;

    public static RecordCursor? FromProto(V1.RecordCursor? cursor, string field) =>
        cursor is null ? null : new RecordCursor(
            Parse<CollectionName>(cursor.Collection, CollectionName.TryParse, field),
            Parse<RecordKey>(cursor.Key, RecordKey.TryParse, field));

    public static V1.BackfillPage ToProto(long requestId, SnapshotPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var proto = new V1.BackfillPage { RequestId = (ulong)requestId, After = ToProto(page.After), Last = page.IsLast };
        proto.Applied.AddRange(ToProto(page.Applied));
        proto.Records.AddRange(page.Records.Select(ToProto));
        return proto;
    }

    public static SnapshotPage FromProto(V1.BackfillPage proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var after = FromProto(proto.After, "page.after");
        var records = proto.Records.Select(r => FromProto(r, "page.records")).ToList();
        var previous = after;
        foreach (var record in records)
        {
            if (previous is { } p && record.Cursor <= p)
            {
                throw new SyncProtocolException($"page {proto.RequestId}: record {record.Cursor} is out of order (after {p})");
            }

            previous = record.Cursor;
        }

        return new SnapshotPage(FromProto(proto.Applied, "page.applied"), after, records, proto.Last);
    }

    public static V1.DigestResponse ToProto(long roundId, IReadOnlyList<BucketDigests> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        var proto = new V1.DigestResponse { RoundId = (ulong)roundId, BucketCount = AntiEntropyBuckets.Count };
        foreach (var d in digests)
        {
            var c = new V1.CollectionBuckets { Collection = d.Collection.Value, Count = (ulong)d.Count, Fingerprint = d.Fingerprint };
            foreach (var (bucket, fp) in d.Buckets.OrderBy(b => b.Key))
            {
                c.Buckets.Add((uint)bucket);
                c.Fingerprints.Add(fp);
            }

            proto.Collections.Add(c);
        }

        return proto;
    }

    public static IReadOnlyList<BucketDigests> FromProto(V1.DigestResponse proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        if (proto.BucketCount != AntiEntropyBuckets.Count)
        {
            throw new SyncProtocolException($"digests: the peer uses {proto.BucketCount} buckets, this node {AntiEntropyBuckets.Count}");
        }

        return [.. proto.Collections.Select(c =>
        {
            if (c.Buckets.Count != c.Fingerprints.Count || c.Buckets.Any(b => b >= AntiEntropyBuckets.Count))
            {
                throw new SyncProtocolException($"digests of {c.Collection}: bucket list and fingerprints do not match or a bucket is out of range");
            }

            var buckets = c.Buckets.Select((b, i) => (b, i)).ToDictionary(x => (int)x.b, x => c.Fingerprints[x.i]);
            return new BucketDigests(Parse<CollectionName>(c.Collection, CollectionName.TryParse, "digests.collection"), (long)c.Count, c.Fingerprint, buckets);
        })];
    }

    public static V1.BucketEntriesResponse ToProto(long roundId, IReadOnlyList<BucketEntries> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var proto = new V1.BucketEntriesResponse { RoundId = (ulong)roundId };
        if (entries.Count > 0)
        {
            proto.Applied.AddRange(ToProto(entries[0].Applied));
        }

        foreach (var e in entries)
        {
            var c = new V1.CollectionEntries { Collection = e.Collection.Value };
            c.Buckets.AddRange(e.Buckets.Select(b => (uint)b));
            c.Entries.AddRange(e.Entries.Select(x => new V1.DigestEntry { Key = x.Key.Value, Hlc = x.Stamp.Hlc.Value, Origin = ToProto(x.Stamp.Origin), Deleted = x.Deleted }));
            proto.Collections.Add(c);
        }

        return proto;
    }

    public static IReadOnlyList<BucketEntries> FromProto(V1.BucketEntriesResponse proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var applied = FromProto(proto.Applied, "entries.applied");
        return [.. proto.Collections.Select(c => new BucketEntries(
            Parse<CollectionName>(c.Collection, CollectionName.TryParse, "entries.collection"),
            [.. c.Buckets.Select(b => (int)b)],
            applied,
            [.. c.Entries.Select(x => new DigestEntry(
                Parse<RecordKey>(x.Key, RecordKey.TryParse, "entries.key"),
                new VersionStamp(ToHlc(x.Hlc, "entries.hlc"), FromProto(x.Origin, "entries.origin")),
                x.Deleted))]))];
    }

    private delegate bool TryParser<T>(string? text, out T value, out string? error);

    private static T Parse<T>(string text, TryParser<T> parser, string field) =>
        parser(text, out var value, out var error) ? value : throw new SyncProtocolException($"{field}: {error}");

    private static Hlc ToHlc(ulong value, string field) =>
        value >> 63 != 0 ? throw new SyncProtocolException($"{field}: HLC value {value} has its top bit set") : new Hlc(value);
}
