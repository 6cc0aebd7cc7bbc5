using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.PersistentActors.Protos;
using PeerSync.TestKit;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// A persistent actor on the deterministic dispatcher: a timer persists one event per virtual
/// second and snapshots every fifth. Everything, recovery included, happens on the test thread at
/// exact virtual instants, so two runs produce the same trace, step count included.
/// </summary>
public sealed class PersistentActorVirtualTimeTests
{
    [Fact]
    public void Timer_driven_persistence_on_virtual_time_is_exact_and_replays_identically()
    {
        var first = RunScenario();
        var second = RunScenario();
        Assert.Equal(first, second);

        Assert.Equal("recovered 0 ticks at sequence nr 0", first[0]);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"tick {i} at +{i * 1000} ms"), first.Where(l => l.StartsWith("tick", StringComparison.Ordinal)));
        Assert.Equal(["snapshot at 5", "snapshot at 10"], first.Where(l => l.StartsWith("snapshot", StringComparison.Ordinal)));
        Assert.Contains("offered snapshot 10", first);
        Assert.Contains("recovered 12 ticks at sequence nr 12", first);
    }

    /// <summary>Runs the whole scenario in a fresh system on its own scheduler; returns what happened, in order.</summary>
    private static List<string> RunScenario()
    {
        var scheduler = new DeterministicScheduler();
        var system = ActorSystem.Create("virtual", new ActorSystemSettings { DeterministicScheduler = scheduler });
        var stores = PersistenceFactory.CreateInMemory();
        system.ConfigurePersistence(stores);
        NotesSerialization.Register(system.Serialization());
        var trace = new List<string>();
        var probe = new TestProbe(system, TestKitSettings.FromEnvironment());
        var start = scheduler.Time.GetUtcNow().ToUnixTimeMilliseconds();

        var ticker = system.ActorOf(Props.Create(() => new Ticker(probe.Ref, start)));
        trace.Add(probe.ExpectMsg<string>());
        scheduler.Advance(TimeSpan.FromMilliseconds(12_500));
        while (probe.Pending > 0)
        {
            trace.Add(probe.ExpectMsg<string>());
        }

        probe.Watch(ticker);
        system.Stop(ticker);
        probe.ExpectTerminated(ticker);
        system.ActorOf(Props.Create(() => new Ticker(probe.Ref, start)));
        trace.Add(probe.ExpectMsg<string>());
        trace.Add(probe.ExpectMsg<string>());
        _ = system.Terminate();
        scheduler.RunUntilIdle();
        trace.Add($"steps {scheduler.StepCount}");
        return trace;
    }

    private sealed class Ticker : PersistentActor
    {
        private readonly IActorRef _probe;
        private readonly long _startMs;
        private List<long> _ticks = [];

        public Ticker(IActorRef probe, long startMs)
        {
            _probe = probe;
            _startMs = startMs;
            Recover<Ticked>(t => _ticks.Add(t.AtMs));
            Recover<SnapshotOffer>(offer =>
            {
                _ticks = [.. ((NotesSnapshot)offer.Snapshot).Values.Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
                _probe.Tell($"offered snapshot {offer.Metadata.SequenceNr}", Self);
            });
            Command<RecoveryCompleted>(_ =>
            {
                _probe.Tell($"recovered {_ticks.Count} ticks at sequence nr {LastSequenceNr}", Self);
                Timers.StartPeriodicTimer("tick", "tick", TimeSpan.FromSeconds(1));
            });
            Command<string>(s => s == "tick", _ =>
                Persist(new Ticked { AtMs = Context.System.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() }, t =>
                {
                    _ticks.Add(t.AtMs);
                    _probe.Tell($"tick {LastSequenceNr} at +{t.AtMs - _startMs} ms", Self);
                    if (LastSequenceNr % 5 == 0)
                    {
                        SaveSnapshot(new NotesSnapshot { Values = { _ticks.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)) } });
                    }
                }));
            Command<SaveSnapshotSuccess>(s => _probe.Tell($"snapshot at {s.Metadata.SequenceNr}", Self));
        }

        public override PersistenceId PersistenceId => PersistenceId.Parse("ticker");
    }
}
