using PeerSync.Sync.Peers;
using PeerSync.Sync.Protocol;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;
using static PeerSync.Sync.Tests.Support.Ids;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Tests.Protocol;

public sealed class SyncProtocolMapperTests
{
    private static readonly OriginId A = Origin("a", 0xA);
    private static readonly OriginId B = Origin("b", 0xB);

    private static T RoundTrip<T>(T message)
        where T : Google.Protobuf.IMessage<T>, new()
    {
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(message);
        return new Google.Protobuf.MessageParser<T>(() => new T()).ParseFrom(bytes);
    }

    [Fact]
    public void A_change_batch_survives_the_wire()
    {
        var range = new ChangeRange(A, H(1), H(30), [Shared("tags", "k", "{\"x\":1}", A, H(10)), Owned("places", "p", null, A, H(20))]);
        var wire = RoundTrip(SyncProtocolMapper.ToProto(new SyncSessionId(3), 9, range));
        Assert.Equal(3UL, wire.Session);
        Assert.Equal(9UL, wire.BatchId);
        var back = SyncProtocolMapper.FromProto(wire);
        Assert.Equal(range.Origin, back.Origin);
        Assert.Equal(range.FromExclusive, back.FromExclusive);
        Assert.Equal(range.ThroughInclusive, back.ThroughInclusive);
        Assert.Equal(range.Changes, back.Changes);
    }

    [Fact]
    public void Hello_ack_and_snapshot_page_survive_the_wire()
    {
        var hello = new SyncHello(new DataEpoch(0xA), Watermarks.Empty.With(A, H(5)), Watermarks.Empty.With(B, H(2)), true, 77, true);
        var helloBack = SyncProtocolMapper.FromProto(RoundTrip(SyncProtocolMapper.ToProto(new SyncSessionId(1), hello)));
        Assert.Equal(hello with { Applied = helloBack.Applied, Floors = helloBack.Floors }, helloBack);
        Assert.Equal(hello.Applied, helloBack.Applied);
        Assert.Equal(hello.Floors, helloBack.Floors);

        var ack = new BatchAck(4, AckStatus.ClockSkewRejected, Watermarks.Empty.With(B, H(8)));
        var ackBack = SyncProtocolMapper.FromProto(RoundTrip(SyncProtocolMapper.ToProto(new SyncSessionId(1), ack)));
        Assert.Equal((ack.BatchId, ack.Status), (ackBack.BatchId, ackBack.Status));
        Assert.Equal(ack.Applied, ackBack.Applied);

        var page = new SnapshotPage(Watermarks.Empty.With(A, H(9)), new RecordCursor(C("tags"), K("a")), [Shared("tags", "b", "1", A, H(3)), Shared("tags", "c", null, B, H(4))], false);
        var pageBack = SyncProtocolMapper.FromProto(RoundTrip(SyncProtocolMapper.ToProto(12, page)));
        Assert.Equal(page.After, pageBack.After);
        Assert.Equal(page.Records, pageBack.Records);
        Assert.Equal(page.Applied, pageBack.Applied);
        Assert.False(pageBack.IsLast);
    }

    [Fact]
    public void Digests_and_entries_survive_the_wire()
    {
        var digests = new[] { new BucketDigests(C("tags"), 2, 99, new Dictionary<int, ulong> { [3] = 40, [900] = 59 }) };
        var back = SyncProtocolMapper.FromProto(RoundTrip(SyncProtocolMapper.ToProto(1, digests)));
        Assert.Equal(digests[0].Buckets, back.Single().Buckets);
        Assert.Equal((2L, 99UL), (back.Single().Count, back.Single().Fingerprint));

        var entries = new[] { new BucketEntries(C("tags"), [3], Watermarks.Empty.With(A, H(1)), [new DigestEntry(K("x"), new VersionStamp(H(1), A), true)]) };
        var entriesBack = SyncProtocolMapper.FromProto(RoundTrip(SyncProtocolMapper.ToProto(1, entries)));
        Assert.Equal(entries[0].Entries, entriesBack.Single().Entries);
        Assert.Equal(entries[0].Applied, entriesBack.Single().Applied);
    }

    [Fact]
    public void Malformed_messages_are_refused_naming_the_field()
    {
        var badNode = new V1.ChangeBatch { Origin = new V1.Origin { Node = "no/slash", Epoch = 1 } };
        Assert.Contains("batch.origin", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(badNode)).Message, StringComparison.Ordinal);

        var zeroEpoch = new V1.ChangeBatch { Origin = new V1.Origin { Node = "a", Epoch = 0 } };
        Assert.Contains("data epoch of a is zero", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(zeroEpoch)).Message, StringComparison.Ordinal);

        var outOfRange = SyncProtocolMapper.ToProto(new SyncSessionId(1), 1, new ChangeRange(A, H(1), H(30), [Shared("tags", "k", "1", A, H(10))]));
        outOfRange.ThroughInclusive = H(5).Value;
        Assert.Contains("out of order or out of range", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(outOfRange)).Message, StringComparison.Ordinal);

        var badKey = SyncProtocolMapper.ToProto(Shared("tags", "k", "1", A, H(10)));
        badKey.Key = "bad key";
        Assert.Contains("contains ' '", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(badKey, "record")).Message, StringComparison.Ordinal);

        var hello = SyncProtocolMapper.ToProto(new SyncSessionId(1), new SyncHello(new DataEpoch(1), Watermarks.Empty, Watermarks.Empty, false, 0, false));
        hello.ProtocolVersion = 99;
        Assert.Contains("version 99 is not supported", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(hello)).Message, StringComparison.Ordinal);

        var topBit = new V1.Watermark { Origin = SyncProtocolMapper.ToProto(A), Position = 1UL << 63 };
        Assert.Contains("top bit", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto([topBit], "w")).Message, StringComparison.Ordinal);

        var page = SyncProtocolMapper.ToProto(1, new SnapshotPage(Watermarks.Empty, null, [Shared("tags", "b", "1", A, H(3)), Shared("tags", "a", "1", A, H(4))], true));
        Assert.Contains("out of order", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(page)).Message, StringComparison.Ordinal);

        var digests = new V1.DigestResponse { BucketCount = 16 };
        Assert.Contains("16 buckets", Assert.Throws<SyncProtocolException>(() => SyncProtocolMapper.FromProto(digests)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_envelope_carries_each_message_kind()
    {
        var envelope = new V1.SyncEnvelope { Ack = SyncProtocolMapper.ToProto(new SyncSessionId(1), new BatchAck(1, AckStatus.Applied, Watermarks.Empty)) };
        var back = RoundTrip(envelope);
        Assert.Equal(V1.SyncEnvelope.BodyOneofCase.Ack, back.BodyCase);
    }
}

public sealed class PeerSyncEventCodecTests
{
    [Fact]
    public void Journal_events_round_trip()
    {
        var a = Origin("a", 0xA);
        var events = new PeerSyncEvent[]
        {
            new PeerEpochObserved(new DataEpoch(0xB)),
            new AcknowledgementsAdvanced(Watermarks.Empty.With(a, H(10))),
            new AcknowledgementsReset(Watermarks.Empty.With(a, H(3)), "data epoch changed"),
            new PeerRetired(1234),
        };
        var decoded = events.Select(e => PeerSyncEventCodec.Decode(PeerSyncEventCodec.Encode(e))).ToList();
        Assert.Equal(events[0], decoded[0]);
        Assert.Equal(((AcknowledgementsAdvanced)events[1]).Acknowledged, ((AcknowledgementsAdvanced)decoded[1]).Acknowledged);
        Assert.Equal("data epoch changed", ((AcknowledgementsReset)decoded[2]).Reason);
        Assert.Equal(new PeerRetired(1234), decoded[3]);
    }

    [Fact]
    public void Garbage_is_refused_with_a_clear_error() =>
        Assert.Contains("cannot be decoded", Assert.Throws<SyncProtocolException>(() => PeerSyncEventCodec.Decode(new byte[] { 0xFF, 0xFF, 0xFF })).Message, StringComparison.Ordinal);
}
