using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// The event every persistence case writes: 100 bytes of content, about a watermark or queue
/// entry, as a protobuf <see cref="BytesValue"/>. Journal cases store its encoding directly; actor
/// cases persist the message through the serializer registry, which yields exactly these bytes and
/// manifest, so every case (and the raw floors) writes and reads rows of one shape, and the actor
/// replay case can decode the rows the journal cases stored.
/// </summary>
internal static class BenchEvents
{
    public const int SerializerId = ProtobufSerializer.SerializerId;
    public const string WriterId = "bench";
    public const int ContentBytes = 100;

    public static string Manifest { get; } = BytesValue.Descriptor.FullName;

    /// <summary>The event object actor cases persist (immutable once built: only read by the serializer).</summary>
    public static BytesValue Message { get; } = new() { Value = ByteString.CopyFrom(Enumerable.Range(0, ContentBytes).Select(i => (byte)i).ToArray()) };

    public static SerializedPayload Payload { get; } = new(SerializerId, Manifest, Message.ToByteArray());

    public static PersistentRepr Event(PersistenceId id, long sequenceNr) => new(id, sequenceNr, Payload, 1_700_000_000_000 + sequenceNr, WriterId);

    public static AtomicWrite Write(PersistenceId id, long firstSequenceNr, int count) =>
        new(Enumerable.Range(0, count).Select(i => Event(id, firstSequenceNr + i)).ToList());
}
