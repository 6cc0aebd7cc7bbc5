using System.Text;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>Events whose content is a function of (id, sequence nr), so every replayed byte can be checked.</summary>
public static class TestEvents
{
    public static PersistenceId Id(string name) => PersistenceId.Parse(name);

    public static PersistentRepr Event(PersistenceId id, long sequenceNr) =>
        new(id, sequenceNr, new SerializedPayload(3, "test.Event.v1", Payload(id, sequenceNr)), 1_700_000_000_000 + sequenceNr, "writer-1");

    public static byte[] Payload(PersistenceId id, long sequenceNr) => Encoding.UTF8.GetBytes($"{id}/{sequenceNr}");

    public static AtomicWrite Write(PersistenceId id, long from, int count = 1) =>
        new(Enumerable.Range(0, count).Select(i => Event(id, from + i)).ToList());

    /// <summary>Writes events from..to one atomic write at a time, awaiting each.</summary>
    public static async Task WriteEachAsync(this IJournal journal, PersistenceId id, long from, long to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            await journal.WriteAsync(Write(id, seq));
        }
    }

    public static async Task<List<PersistentRepr>> ReplayAllAsync(this IJournal journal, PersistenceId id, long from = 0, long to = long.MaxValue, long max = long.MaxValue)
    {
        var result = new List<PersistentRepr>();
        await foreach (var e in journal.ReplayAsync(id, from, to, max))
        {
            result.Add(e);
        }

        return result;
    }

    public static async Task<List<long>> SequenceNrsAsync(this IJournal journal, PersistenceId id, long from = 0, long to = long.MaxValue, long max = long.MaxValue) =>
        (await journal.ReplayAllAsync(id, from, to, max)).ConvertAll(e => e.SequenceNr);

    public static List<long> Range(long from, long to) =>
        Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i).ToList();
}
