using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// One message on its way to a peer: serialized at Tell time (on the caller's thread, so a busy
/// link's single writer only copies bytes), kept with the original message so that any failure can
/// dead-letter it as it was told, and kept after sending until the peer acknowledges it. Envelopes
/// are pooled (<see cref="EnvelopePool"/>): at hundreds of thousands of messages per second, one
/// that lives until its acknowledgement would otherwise survive into older GC generations.
/// </summary>
internal sealed class OutboundEnvelope
{
    public RemoteActorRef Recipient { get; private set; } = null!;

    public IActorRef? Sender { get; private set; }

    /// <summary>The message as told (for dead letters); the SystemMessage for a system entry.</summary>
    public object Message { get; private set; } = null!;

    public int SerializerId { get; private set; }

    public string Manifest { get; private set; } = "";

    /// <summary>The serialized message, or the protobuf RemoteSystemMessage of a system entry.</summary>
    public byte[] Payload { get; private set; } = [];

    public bool IsSystem { get; private set; }

    /// <summary>An upper bound of the bytes this entry takes in a batch; also what the buffer bound counts.</summary>
    public int SizeBound { get; private set; }

    /// <summary>The incarnation the message was meant for when told (null: whichever is there).</summary>
    public BoundNode? Target { get; set; }

    /// <summary>Assigned by the link's writer when the entry is first sent (0 before).</summary>
    public ulong Sequence { get; set; }

    /// <summary>The envelope queued after this one (<see cref="OutboundQueue"/>'s link; a field, for atomic access).</summary>
    internal OutboundEnvelope? Next;

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
        var envelope = EnvelopePool.Rent();
        envelope.Recipient = recipient;
        envelope.Sender = sender;
        envelope.Message = message;
        envelope.SerializerId = serializerId;
        envelope.Manifest = manifest;
        envelope.Payload = payload;
        envelope.IsSystem = isSystem;
        envelope.SizeBound = sizeBound;
        return envelope;
    }

    /// <summary>Drops every reference, so a pooled envelope keeps nothing alive.</summary>
    public void Clear()
    {
        Recipient = null!;
        Sender = null;
        Message = null!;
        Manifest = "";
        Payload = [];
        Target = null;
        Sequence = 0;
        Next = null;
        SerializerId = 0;
        SizeBound = 0;
        IsSystem = false;
    }
}
