using PeerSync.Actors;
using PeerSync.Persistence.Model;

namespace PeerSync.Benchmarks.Suites.Persistence;

/// <summary>
/// The journal workloads' shapes driven through persistent actors: workers send an actor a command
/// and wait for the reply (through a <see cref="ReplySlot"/>), which the actor sends from the event
/// handler, after the event is stored. Each
/// actor has <see cref="CommandsInFlight"/> commands outstanding, so when its write completes the
/// next command is already in its mailbox: the figure is the actor's own throughput, not the
/// driver's round trip (with one command outstanding, three thread-pool hops separate a commit
/// from the next write, and group commit gathers about half the writers per transaction). Persist
/// holds commands, so each actor still has one write in flight and each commit carries at most one
/// write per actor, as the floor's transactions do.
/// </summary>
internal static class ActorWorkloads
{
    public const int CommandsInFlight = 4;

    /// <summary>One actor, one Persist per command, each confirmed before the next.</summary>
    public static Task<double> PersistOneAtATimeAsync(ActorSystem system, string prefix, TimeSpan duration) =>
        RunAsync(system, prefix, 1, duration, BenchPersistentActor.PersistOne.Instance, 1);

    /// <summary>100 actors at once, each with its own id, one Persist per command.</summary>
    public static Task<double> PersistConcurrentlyAsync(ActorSystem system, string prefix, TimeSpan duration) =>
        RunAsync(system, prefix, JournalWorkloads.ConcurrentWriters, duration, BenchPersistentActor.PersistOne.Instance, 1);

    /// <summary>One actor, PersistAll of 100 events per command.</summary>
    public static Task<double> PersistAllAsync(ActorSystem system, string prefix, TimeSpan duration) =>
        RunAsync(system, prefix, 1, duration, new BenchPersistentActor.PersistBatch(JournalWorkloads.BatchEvents), JournalWorkloads.BatchEvents);

    /// <summary>Starts an actor on <paramref name="id"/> and waits until it has replayed every event; returns the count.</summary>
    public static async Task<long> ReplayAsync(ActorSystem system, PersistenceId id)
    {
        var recovered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = system.ActorOf(BenchPersistentActor.Props(id, recovered));
        try
        {
            return await recovered.Task.ConfigureAwait(false);
        }
        finally
        {
            system.Stop(actor);
        }
    }

    private static async Task<double> RunAsync(ActorSystem system, string prefix, int actors, TimeSpan duration, object command, int eventsPerCommand)
    {
        var refs = Enumerable.Range(0, actors).Select(a => system.ActorOf(BenchPersistentActor.Props(PersistenceId.Parse($"{prefix}-{a}")))).ToArray();
        try
        {
            var slots = Enumerable.Range(0, actors * CommandsInFlight).Select(w => new ReplySlot(w)).ToArray();

            // The clock starts once every actor has recovered (the replay case measures recovery)
            // and has persisted once: the figure is the steady write rate, not actor start-up.
            await Task.WhenAll(refs.Select((actor, a) => slots[a].Send(actor, command))).ConfigureAwait(false);
            return await Throughput.MeasureAsync(duration, slots.Length, async (worker, _) =>
            {
                var reply = await slots[worker].Send(refs[worker % actors], command).ConfigureAwait(false);
                return reply is BenchPersistentActor.Done
                    ? eventsPerCommand
                    : throw new InvalidOperationException($"the bench actor replied {reply.GetType().Name}, not Done");
            }).ConfigureAwait(false);
        }
        finally
        {
            foreach (var actor in refs)
            {
                system.Stop(actor);
            }
        }
    }
}
