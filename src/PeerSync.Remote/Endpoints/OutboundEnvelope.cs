using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// One message on its way to a peer: serialized at Tell time (on the caller's thread, so a busy
/// link's single writer only copies bytes), kept with the original message so that any failure can
/// dead-letter it as it was told, and kept after sending until the peer acknowledges it.
/// </summary>
internal sealed class OutboundEnvelope(
    RemoteActorRef recipient,
    IActorRef? sender,
    object message,
    int serializerId,
    string manifest,
    byte[] payload,
    bool isSystem,
    int sizeBound)
{
    public RemoteActorRef Recipient { get; } = recipient;

    public IActorRef? Sender { get; } = sender;

    /// <summary>The message as told (for dead letters); the SystemMessage for a system entry.</summary>
    public object Message { get; } = message;

    public int SerializerId { get; } = serializerId;

    public string Manifest { get; } = manifest;

    /// <summary>The serialized message, or the protobuf RemoteSystemMessage of a system entry.</summary>
    public byte[] Payload { get; } = payload;

    public bool IsSystem { get; } = isSystem;

    /// <summary>An upper bound of the bytes this entry takes in a batch; also what the buffer bound counts.</summary>
    public int SizeBound { get; } = sizeBound;

    /// <summary>The incarnation the message was meant for when told (null: whichever is there).</summary>
    public BoundNode? Target { get; set; }

    /// <summary>Assigned by the link's writer when the entry is first sent (0 before).</summary>
    public ulong Sequence { get; set; }
}
