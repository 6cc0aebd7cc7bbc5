using PeerSync.Persistence.Errors;
using PeerSync.Persistence.InMemory;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using static PeerSync.Persistence.Tests.Tck.TestEvents;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// Runs one seeded random sequence of writes (some conflicting), deletes and queries against a
/// provider and against the in-memory journal, and requires identical answers at every step. It
/// finds disagreements in corners the hand-written specs do not reach.
/// </summary>
public abstract class DifferentialSpec : StoreSpec
{
    [StoreFact]
    public async Task Journal_answers_exactly_as_the_in_memory_journal_over_a_random_operation_sequence()
    {
        var model = new InMemoryJournal();
        var random = new Random(20_26);
        var ids = Enumerable.Range(0, 4).Select(i => Id($"diff-{i}")).ToArray();
        for (var step = 0; step < 300; step++)
        {
            var id = ids[random.Next(ids.Length)];
            var highest = await model.ReadHighestSequenceNrAsync(id);
            var op = random.Next(10);
            var what = $"step {step}, op {op}, {id}";
            if (op < 6)
            {
                // Mostly the next free sequence nr, sometimes one already used (a conflict).
                var from = random.Next(4) == 0 && highest > 0 ? random.NextInt64(1, highest + 1) : highest + 1;
                var write = Write(id, from, random.Next(1, 6));
                Assert.Equal(await OutcomeAsync(model, write), await OutcomeAsync(Journal, write));
            }
            else if (op < 7)
            {
                var to = random.NextInt64(0, highest + 3);
                await model.DeleteMessagesToAsync(id, to);
                await Journal.DeleteMessagesToAsync(id, to);
            }
            else if (op < 9)
            {
                var from = random.NextInt64(0, highest + 2);
                var to = random.NextInt64(from, highest + 3);
                var max = random.Next(0, 8);
                Assert.True((await model.ReplayAllAsync(id, from, to, max)).SequenceEqual(await Journal.ReplayAllAsync(id, from, to, max)), what);
            }
            else
            {
                Assert.Equal(await model.CurrentPersistenceIdsAsync(), await Journal.CurrentPersistenceIdsAsync());
            }

            Assert.Equal(await model.ReadHighestSequenceNrAsync(id), await Journal.ReadHighestSequenceNrAsync(id));
        }

        foreach (var id in ids)
        {
            Assert.Equal(await model.ReplayAllAsync(id), await Journal.ReplayAllAsync(id));
        }
    }

    private static async Task<string> OutcomeAsync(IJournal journal, AtomicWrite write)
    {
        try
        {
            await journal.WriteAsync(write);
            return "stored";
        }
        catch (SequenceNrConflictException ex)
        {
            return $"conflict {ex.PersistenceId} {ex.SequenceNr}..{ex.HighestSequenceNr}";
        }
    }
}
