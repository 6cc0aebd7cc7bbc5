using Google.Protobuf;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using V1 = PeerSync.Sync.Protocol.V1;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Protocol;

/// <summary>
/// Encodes the peer machine's journal events as protobuf (sync.proto, <c>PeerSyncEvent</c>), so the
/// PeerSyncActor can persist them with any journal that stores bytes.
/// </summary>
public static class PeerSyncEventCodec
{
    public static byte[] Encode(PeerSyncEvent e) => ToProto(e).ToByteArray();

    /// <summary>The journal payload of <paramref name="e"/> (what the PeerSyncActor persists).</summary>
    public static V1.PeerSyncEvent ToProto(PeerSyncEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var proto = new V1.PeerSyncEvent();
        switch (e)
        {
            case PeerEpochObserved o:
                proto.EpochObserved = new V1.PeerEpochObservedEvent { Epoch = o.Epoch.Value };
                break;
            case AcknowledgementsAdvanced a:
                proto.AcknowledgementsAdvanced = Acks(a.Acknowledged, "");
                break;
            case AcknowledgementsReset r:
                proto.AcknowledgementsReset = Acks(r.Acknowledged, r.Reason);
                break;
            case PeerRetired r:
                proto.Retired = new V1.PeerRetiredEvent { RetiredAtMs = r.RetiredAtMs };
                break;
            default:
                throw new ArgumentException($"unknown peer sync event {e.GetType().Name}", nameof(e));
        }

        return proto;
    }

    public static PeerSyncEvent Decode(ReadOnlySpan<byte> bytes)
    {
        V1.PeerSyncEvent proto;
        try
        {
            proto = V1.PeerSyncEvent.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SyncProtocolException($"a peer sync journal event cannot be decoded: {e.Message}", e);
        }

        return FromProto(proto);
    }

    /// <summary>Validates and converts a journal payload; throws <see cref="SyncProtocolException"/> naming the problem.</summary>
    public static PeerSyncEvent FromProto(V1.PeerSyncEvent proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return proto.EventCase switch
        {
            V1.PeerSyncEvent.EventOneofCase.EpochObserved when proto.EpochObserved.Epoch != 0 => new PeerEpochObserved(new DataEpoch(proto.EpochObserved.Epoch)),
            V1.PeerSyncEvent.EventOneofCase.AcknowledgementsAdvanced => new AcknowledgementsAdvanced(SyncProtocolMapper.FromProto(proto.AcknowledgementsAdvanced.Acknowledged, "event.acknowledged")),
            V1.PeerSyncEvent.EventOneofCase.AcknowledgementsReset => new AcknowledgementsReset(SyncProtocolMapper.FromProto(proto.AcknowledgementsReset.Acknowledged, "event.acknowledged"), proto.AcknowledgementsReset.Reason),
            V1.PeerSyncEvent.EventOneofCase.Retired => new PeerRetired(proto.Retired.RetiredAtMs),
            _ => throw new SyncProtocolException($"a peer sync journal event has no known payload ({proto.EventCase}) or a zero epoch"),
        };
    }

    private static V1.AcknowledgementsEvent Acks(Watermarks acknowledged, string reason)
    {
        var proto = new V1.AcknowledgementsEvent { Reason = reason };
        proto.Acknowledged.AddRange(SyncProtocolMapper.ToProto(acknowledged));
        return proto;
    }
}
