using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// One message on its way to a peer, serialized at Tell time (on the caller's thread), with the
/// message as told (for dead letters). The link encodes it into its outbound log
/// (<see cref="OutboundLog"/>) right away; only an address whose node is not known yet
/// (<see cref="RemoteEndpointHandle"/>) keeps envelopes as they are until it is.
/// </summary>
internal readonly struct OutboundEnvelope(
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

    /// <summary>The serialized message, or the protobuf RemoteSystemMessage of a system entry.</summary>
    public byte[] Payload { get; } = payload;

    public string Manifest { get; } = manifest;

    public int SerializerId { get; } = serializerId;

    /// <summary>An upper bound of the bytes this entry takes in a batch; also what the buffer bound counts.</summary>
    public int SizeBound { get; } = sizeBound;

    public bool IsSystem { get; } = isSystem;
}
