using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>The event every persistence case writes: a 100-byte payload, about a watermark or queue entry.</summary>
internal static class BenchEvents
{
    public const int SerializerId = 1;
    public const string Manifest = "bench.Event";
    public const string WriterId = "bench";
    public const int PayloadBytes = 100;

    private static readonly byte[] Bytes = Enumerable.Range(0, PayloadBytes).Select(i => (byte)i).ToArray();

    public static SerializedPayload Payload { get; } = new(SerializerId, Manifest, Bytes);

    public static PersistentRepr Event(PersistenceId id, long sequenceNr) => new(id, sequenceNr, Payload, 1_700_000_000_000 + sequenceNr, WriterId);

    public static AtomicWrite Write(PersistenceId id, long firstSequenceNr, int count) =>
        new(Enumerable.Range(0, count).Select(i => Event(id, firstSequenceNr + i)).ToList());
}
