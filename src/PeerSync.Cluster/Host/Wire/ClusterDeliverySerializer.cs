using Google.Protobuf;
using PeerSync.Actors.Serialization;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host.Wire;

/// <summary>
/// Puts a <see cref="ClusterDelivery"/> on the wire as a <c>ClusterDeliveryProto</c> whose envelope
/// is encoded by <see cref="ClusterWire"/>. Decoding validates everything (through
/// <see cref="ClusterWire.TryDecode"/>); what a peer got wrong surfaces as a
/// <see cref="PayloadSerializationException"/> naming the problem, which the remoting turns into a
/// counted, logged dead letter.
/// </summary>
public sealed class ClusterDeliverySerializer : IPayloadSerializer
{
    /// <summary>Unique among the serializers of a system (1-2 built in, 100 remote control messages).</summary>
    public const int SerializerId = 110;

    public const string Manifest = "peersync.cluster.ClusterDelivery";

    public int Id => SerializerId;

    public string Name => "peersync-cluster";

    public string? ManifestFor(Type type) => type == typeof(ClusterDelivery) ? Manifest : null;

    public byte[] ToBinary(object value)
    {
        var delivery = (ClusterDelivery)value;
        var proto = new ClusterDeliveryProto { Envelope = ByteString.CopyFrom(ClusterWire.Encode(delivery.Envelope)) };
        if (delivery.To is { } to)
        {
            proto.ToId = to.Id.Value;
            proto.ToIncarnation = to.Incarnation.Value;
        }

        return proto.ToByteArray();
    }

    public object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (manifest != Manifest)
        {
            throw new PayloadSerializationException($"unknown cluster manifest '{manifest}'; expected '{Manifest}'", SerializerId, manifest);
        }

        ClusterDeliveryProto proto;
        try
        {
            proto = ClusterDeliveryProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PayloadSerializationException($"cluster delivery is not valid protobuf: {e.Message}", SerializerId, manifest, e);
        }

        UniqueNode? to = null;
        if (proto.ToId.Length > 0)
        {
            if (!NodeId.TryParse(proto.ToId, out var id, out var idError))
            {
                throw new PayloadSerializationException($"cluster delivery names an invalid recipient: {idError}", SerializerId, manifest);
            }

            if (proto.ToIncarnation == 0)
            {
                throw new PayloadSerializationException($"cluster delivery for {id} has no incarnation", SerializerId, manifest);
            }

            to = new UniqueNode(id, new Incarnation(proto.ToIncarnation));
        }
        else if (proto.ToIncarnation != 0)
        {
            throw new PayloadSerializationException("cluster delivery has an incarnation but no node id", SerializerId, manifest);
        }

        if (!ClusterWire.TryDecode(proto.Envelope.Span, out var envelope, out var error))
        {
            throw new PayloadSerializationException(error, SerializerId, manifest);
        }

        return new ClusterDelivery(to, envelope);
    }
}
