using System.Text;
using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.CrashWriter;

/// <summary>
/// The workload the crash test and this writer agree on: which ids, how big each atomic write is,
/// and what every event's payload is, so the test can check each stored byte after the kill.
/// </summary>
public static class CrashWorkload
{
    public const int Writers = 8;
    public const int EventsPerWrite = 5;
    public const int SerializerId = 7;
    public const string Manifest = "crash-event";

    /// <summary>Printed after each durable write: `confirmed &lt;persistence id&gt; &lt;highest sequence nr&gt;`.</summary>
    public const string ConfirmedPrefix = "confirmed ";

    public static PersistenceId Id(int writer) => PersistenceId.Parse($"crash-{writer}");

    public static byte[] Payload(PersistenceId id, long sequenceNr) =>
        Encoding.UTF8.GetBytes($"{id}#{sequenceNr}:" + new string('x', (int)(sequenceNr % 50)));

    public static AtomicWrite Write(PersistenceId id, long firstSequenceNr) =>
        new(Enumerable.Range(0, EventsPerWrite)
            .Select(i => new PersistentRepr(
                id, firstSequenceNr + i, new SerializedPayload(SerializerId, Manifest, Payload(id, firstSequenceNr + i)), 1_700_000_000_000 + firstSequenceNr + i, "crash-writer"))
            .ToList());
}
