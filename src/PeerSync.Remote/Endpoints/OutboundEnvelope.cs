using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// One message on its way to a peer, serialized at Tell time (on the caller's thread), with the
/// message as told (for dead letters). The link encodes it into its outbound log
/// (<see cref="OutboundLog"/>) right away; only an address whose node is not known yet
/// (<see cref="RemoteEndpointHandle"/>) keeps envelopes as they are until it is.
/// </summary>
internal struct OutboundEnvelope
{
    public RemoteActorRef Recipient { get; private init; }

    public IActorRef? Sender { get; private init; }

    /// <summary>The message as told (for dead letters); the SystemMessage for a system entry.</summary>
    public object Message { get; private init; }

    /// <summary>The serialized message, or the protobuf RemoteSystemMessage of a system entry.</summary>
    public byte[] Payload { get; private init; }

    public string Manifest { get; private init; }

    public int SerializerId { get; private init; }

    /// <summary>An upper bound of the bytes this entry takes in a batch; also what the buffer bound counts.</summary>
    public int SizeBound { get; private init; }

    public bool IsSystem { get; private init; }

    public static OutboundEnvelope Create(
        RemoteActorRef recipient,
        IActorRef? sender,
        object message,
        int serializerId,
        string manifest,
        byte[] payload,
        bool isSystem,
        int sizeBound)
    {
        return new OutboundEnvelope
        {
            Recipient = recipient,
            Sender = sender,
            Message = message,
            SerializerId = serializerId,
            Manifest = manifest,
            Payload = payload,
            IsSystem = isSystem,
            SizeBound = sizeBound,
        };
    }
}
