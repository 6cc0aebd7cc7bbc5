using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Protocol;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

// The sync messages as the host handles them, decoded and validated from V1.SyncEnvelope.
internal abstract record SyncInbound;

internal sealed record InHello(SyncSessionId Session, SyncHello Hello) : SyncInbound;

internal sealed record InBatch(SyncSessionId Session, long BatchId, ChangeRange Range) : SyncInbound;

internal sealed record InAck(SyncSessionId Session, BatchAck Ack) : SyncInbound;

internal sealed record InReport(SyncSessionId Session, Watermarks Applied, Watermarks Floors) : SyncInbound;

internal sealed record InPageRequest(long RequestId, RecordCursor? After, int Limit) : SyncInbound;

internal sealed record InPage(long RequestId, SnapshotPage Page) : SyncInbound;

internal sealed record InDigestRequest(long RoundId) : SyncInbound;

internal sealed record InDigestResponse(long RoundId, IReadOnlyList<BucketDigests> Digests) : SyncInbound;

internal sealed record InEntriesRequest(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> Selections) : SyncInbound;

internal sealed record InEntriesResponse(long RoundId, IReadOnlyList<BucketEntries> Entries) : SyncInbound;

internal sealed record InRepairRequest(long RoundId, CollectionName Collection, IReadOnlyList<RecordKey> Keys) : SyncInbound;

internal sealed record InRepairResponse(long RoundId, IReadOnlyList<RecordVersion> Records) : SyncInbound;

/// <summary>
/// Builds and reads <see cref="V1.SyncDelivery"/>: the envelope plus the sender's run and the run
/// it is meant for. Everything read is validated by <see cref="SyncProtocolMapper"/>; a violation
/// throws <see cref="SyncProtocolException"/> naming the field (the coordinator logs and counts it).
/// </summary>
internal static class SyncWire
{
    public const int MaxPageLimit = 10_000;

    public static V1.SyncDelivery Deliver(UniqueNode from, UniqueNode to, V1.SyncEnvelope envelope) => new()
    {
        FromNode = from.Id.Value,
        FromIncarnation = from.Incarnation.Value,
        ToIncarnation = to.Incarnation.Value,
        Envelope = envelope,
    };

    public static UniqueNode Sender(V1.SyncDelivery delivery)
    {
        if (!NodeId.TryParse(delivery.FromNode, out var id, out var error))
        {
            throw new SyncProtocolException($"delivery.from_node: {error}");
        }

        return delivery.FromIncarnation == 0
            ? throw new SyncProtocolException($"delivery from {id}: the incarnation is zero")
            : new UniqueNode(id, new Incarnation(delivery.FromIncarnation));
    }

    public static V1.SyncEnvelope Hello(SyncSessionId session, SyncHello hello) => new() { Hello = SyncProtocolMapper.ToProto(session, hello) };

    public static V1.SyncEnvelope Batch(SyncSessionId session, long batchId, ChangeRange range) => new() { Batch = SyncProtocolMapper.ToProto(session, batchId, range) };

    public static V1.SyncEnvelope Ack(SyncSessionId session, BatchAck ack) => new() { Ack = SyncProtocolMapper.ToProto(session, ack) };

    public static V1.SyncEnvelope Report(SyncSessionId session, Watermarks applied, Watermarks floors)
    {
        var report = new V1.WatermarkReport { Session = session.Value };
        report.Applied.AddRange(SyncProtocolMapper.ToProto(applied));
        report.Floors.AddRange(SyncProtocolMapper.ToProto(floors));
        return new V1.SyncEnvelope { Watermarks = report };
    }

    public static V1.SyncEnvelope PageRequest(long requestId, RecordCursor? after, int limit) =>
        new() { PageRequest = new V1.BackfillPageRequest { RequestId = (ulong)requestId, After = SyncProtocolMapper.ToProto(after), Limit = (uint)limit } };

    public static V1.SyncEnvelope Page(long requestId, SnapshotPage page) => new() { Page = SyncProtocolMapper.ToProto(requestId, page) };

    public static V1.SyncEnvelope DigestRequest(long roundId) => new() { DigestRequest = new V1.DigestRequest { RoundId = (ulong)roundId } };

    public static V1.SyncEnvelope DigestResponse(long roundId, IReadOnlyList<BucketDigests> digests) => new() { DigestResponse = SyncProtocolMapper.ToProto(roundId, digests) };

    public static V1.SyncEnvelope EntriesRequest(long roundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> selections)
    {
        var request = new V1.BucketEntriesRequest { RoundId = (ulong)roundId };
        foreach (var (collection, buckets) in selections)
        {
            var selection = new V1.BucketSelection { Collection = collection.Value };
            selection.Buckets.AddRange(buckets.Select(b => (uint)b));
            request.Selections.Add(selection);
        }

        return new V1.SyncEnvelope { EntriesRequest = request };
    }

    public static V1.SyncEnvelope EntriesResponse(long roundId, IReadOnlyList<BucketEntries> entries) => new() { EntriesResponse = SyncProtocolMapper.ToProto(roundId, entries) };

    public static V1.SyncEnvelope RepairRequest(long roundId, CollectionName collection, IReadOnlyList<RecordKey> keys)
    {
        var request = new V1.RepairRequest { RoundId = (ulong)roundId, Collection = collection.Value };
        request.Keys.AddRange(keys.Select(k => k.Value));
        return new V1.SyncEnvelope { RepairRequest = request };
    }

    public static V1.SyncEnvelope RepairResponse(long roundId, IReadOnlyList<RecordVersion> records)
    {
        var response = new V1.RepairResponse { RoundId = (ulong)roundId };
        response.Records.AddRange(records.Select(SyncProtocolMapper.ToProto));
        return new V1.SyncEnvelope { RepairResponse = response };
    }

    public static SyncInbound Decode(V1.SyncEnvelope? envelope)
    {
        if (envelope is null)
        {
            throw new SyncProtocolException("delivery.envelope is missing");
        }

        return envelope.BodyCase switch
        {
            V1.SyncEnvelope.BodyOneofCase.Hello => new InHello(new SyncSessionId(envelope.Hello.Session), SyncProtocolMapper.FromProto(envelope.Hello)),
            V1.SyncEnvelope.BodyOneofCase.Batch => new InBatch(new SyncSessionId(envelope.Batch.Session), (long)envelope.Batch.BatchId, SyncProtocolMapper.FromProto(envelope.Batch)),
            V1.SyncEnvelope.BodyOneofCase.Ack => new InAck(new SyncSessionId(envelope.Ack.Session), SyncProtocolMapper.FromProto(envelope.Ack)),
            V1.SyncEnvelope.BodyOneofCase.Watermarks => new InReport(
                new SyncSessionId(envelope.Watermarks.Session),
                SyncProtocolMapper.FromProto(envelope.Watermarks.Applied, "report.applied"),
                SyncProtocolMapper.FromProto(envelope.Watermarks.Floors, "report.floors")),
            V1.SyncEnvelope.BodyOneofCase.PageRequest => DecodePageRequest(envelope.PageRequest),
            V1.SyncEnvelope.BodyOneofCase.Page => new InPage((long)envelope.Page.RequestId, SyncProtocolMapper.FromProto(envelope.Page)),
            V1.SyncEnvelope.BodyOneofCase.DigestRequest => new InDigestRequest((long)envelope.DigestRequest.RoundId),
            V1.SyncEnvelope.BodyOneofCase.DigestResponse => new InDigestResponse((long)envelope.DigestResponse.RoundId, SyncProtocolMapper.FromProto(envelope.DigestResponse)),
            V1.SyncEnvelope.BodyOneofCase.EntriesRequest => new InEntriesRequest(
                (long)envelope.EntriesRequest.RoundId,
                [.. envelope.EntriesRequest.Selections.Select(s => (Collection(s.Collection, "entries_request.collection"), (IReadOnlyList<int>)[.. s.Buckets.Select(b => Bucket(b))]))]),
            V1.SyncEnvelope.BodyOneofCase.EntriesResponse => new InEntriesResponse((long)envelope.EntriesResponse.RoundId, SyncProtocolMapper.FromProto(envelope.EntriesResponse)),
            V1.SyncEnvelope.BodyOneofCase.RepairRequest => new InRepairRequest(
                (long)envelope.RepairRequest.RoundId,
                Collection(envelope.RepairRequest.Collection, "repair_request.collection"),
                [.. envelope.RepairRequest.Keys.Select(k => RecordKey.TryParse(k, out var key, out var error) ? key : throw new SyncProtocolException($"repair_request.keys: {error}"))]),
            V1.SyncEnvelope.BodyOneofCase.RepairResponse => new InRepairResponse(
                (long)envelope.RepairResponse.RoundId,
                [.. envelope.RepairResponse.Records.Select(r => SyncProtocolMapper.FromProto(r, "repair_response.records"))]),
            _ => throw new SyncProtocolException($"the envelope has no known body ({envelope.BodyCase})"),
        };
    }

    private static InPageRequest DecodePageRequest(V1.BackfillPageRequest request)
    {
        if (request.Limit is 0 or > MaxPageLimit)
        {
            throw new SyncProtocolException($"page_request {request.RequestId}: limit {request.Limit} is outside 1..{MaxPageLimit}");
        }

        return new InPageRequest((long)request.RequestId, SyncProtocolMapper.FromProto(request.After, "page_request.after"), (int)request.Limit);
    }

    private static CollectionName Collection(string text, string field) =>
        CollectionName.TryParse(text, out var name, out var error) ? name : throw new SyncProtocolException($"{field}: {error}");

    private static int Bucket(uint bucket) =>
        bucket < AntiEntropyBuckets.Count ? (int)bucket : throw new SyncProtocolException($"entries_request: bucket {bucket} is out of range (0..{AntiEntropyBuckets.Count - 1})");
}
