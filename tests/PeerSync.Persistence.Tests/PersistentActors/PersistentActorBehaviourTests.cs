using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.PersistentActors.Protos;
using PeerSync.Persistence.Tests.Tck;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// Ordering and holding rules that do not depend on the provider, on in-memory stores behind a
/// <see cref="GatedJournal"/> so each test decides when writes complete. The PersistAsync backlog
/// bound is 2 here, so its effect shows with three writes.
/// </summary>
public sealed class PersistentActorBehaviourTests : TestKitBase
{
    private readonly PersistenceStores _stores = PersistenceFactory.CreateInMemory();
    private readonly GatedJournal _journal;

    public PersistentActorBehaviourTests(ITestOutputHelper output)
        : base(output)
    {
        _journal = new GatedJournal(_stores.Journal);
        Sys.ConfigurePersistence(
            _journal, _stores.SnapshotStore, new PersistenceSettings { MaxPendingAsyncWrites = 2 }, NotesSerialization.Register(Sys.Serialization()));
    }

    [Fact]
    public void Nested_persist_handlers_run_after_the_outer_one_and_commands_wait_for_both()
    {
        var notes = Start("nested");
        _journal.Close();
        notes.Tell(new AddNested("outer", "inner"), TestActor);
        notes.Tell(new Get(), TestActor);
        AwaitCondition(() => _journal.Issued == 1);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // The inner write is issued (and held) once the outer handler has run.
        _journal.Open();
        ExpectMsg(new Added("outer", 1));
        ExpectMsg(new Added("inner", 2));
        ExpectMsg(new State(["outer", "inner"], 2));
    }

    [Fact]
    public void DeferAsync_runs_after_the_handlers_of_earlier_calls_or_at_once_when_nothing_is_pending()
    {
        var notes = Start("defer");
        _journal.Close();
        notes.Tell(new AddAsyncThenDefer("marker", "a", "b"), TestActor);
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State([], 0));

        _journal.Open();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));
        ExpectMsg(new Deferred("marker", 2));

        notes.Tell(new AddAsyncThenDefer("alone"), TestActor);
        ExpectMsg(new Deferred("alone", 2));
    }

    [Fact]
    public void An_async_command_handler_holds_commands_until_the_events_it_persisted_are_handled()
    {
        var notes = Start("async-command");
        var before = new TaskCompletionSource();
        notes.Tell(new AddAfterAwait("late", before.Task), TestActor);
        notes.Tell(new Get(), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        before.SetResult();
        ExpectMsg(new Added("late", 1));
        ExpectMsg(new State(["late"], 1));
    }

    [Fact]
    public void The_actors_own_stash_works_beside_the_commands_held_for_a_persist()
    {
        var notes = Start("user-stash");
        notes.Tell(new HoldNotes(), TestActor);
        notes.Tell(new Add("a"), TestActor);
        notes.Tell(new Add("b"), TestActor);
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State([], 0));

        // Unstashed a and b come before c; each waits for the previous persist.
        _journal.Close();
        notes.Tell(new ReleaseNotes(), TestActor);
        notes.Tell(new Add("c"), TestActor);
        AwaitCondition(() => _journal.Issued == 1);
        _journal.Open();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));
        ExpectMsg(new Added("c", 3));
    }

    [Fact]
    public void Commands_beyond_a_bounded_mailbox_are_dead_lettered_while_a_persist_is_pending()
    {
        var reporter = CreateTestProbe();
        var notes = Sys.ActorOf(NotesActor.Props("bounded", reporter.Ref).WithMailboxCapacity(3));
        reporter.ExpectMsg<Recovered>();
        _journal.Close();
        notes.Tell(new Add("a"), TestActor);
        AwaitCondition(() => _journal.Issued == 1);

        DeadLetterFilter<Add>(d => d.Reason.Contains("mailbox full", StringComparison.Ordinal)).ExpectOne(() =>
        {
            foreach (var value in new[] { "b", "c", "d", "e" })
            {
                notes.Tell(new Add(value), TestActor);
            }
        });

        _journal.Open();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));
        ExpectMsg(new Added("c", 3));
        ExpectMsg(new Added("d", 4));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_PersistAsync_backlog_beyond_the_bound_makes_commands_wait_for_the_oldest_write()
    {
        var notes = Start("backlog");
        _journal.Close();
        notes.Tell(new AddAsync("a"), TestActor);
        notes.Tell(new AddAsync("b"), TestActor);
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State([], 0));

        notes.Tell(new AddAsync("c"), TestActor);
        notes.Tell(new Get(), TestActor);
        AwaitCondition(() => _journal.Issued == 3);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // Once the oldest write is done the backlog is back within the bound, so the held command
        // runs while the two later writes are still pending.
        _journal.ReleaseOldest();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new State(["a"], 1));

        _journal.Open();
        ExpectMsg(new Added("b", 2));
        ExpectMsg(new Added("c", 3));
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State(["a", "b", "c"], 3));
    }

    [Fact]
    public void The_next_incarnation_waits_for_a_write_its_stopped_predecessor_left_in_flight_whose_handler_never_runs()
    {
        var reporter = CreateTestProbe();
        var notes = Start("in-flight", reporter);
        _journal.Close();
        notes.Tell(new Add("a"), TestActor);
        AwaitCondition(() => _journal.Issued == 1);
        StopAndWait(notes);

        Sys.ActorOf(NotesActor.Props("in-flight", reporter.Ref));
        reporter.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _journal.Open();
        reporter.ExpectMsg(new Recovered(["a"], 1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_persistent_actor_in_a_system_without_persistence_stops_at_start_saying_how_to_configure_it()
    {
        var system = ActorSystem.Create("unconfigured", new ActorSystemSettings { LoggerFactory = LoggerFactory });
        try
        {
            var watcher = new TestProbe(system, TestKitSettings);
            IActorRef? actor = null;
            ExceptionFilter<ActorInitializationException>("persistence is not configured for actor system 'unconfigured'")
                .ExpectOne(() => actor = system.ActorOf(NotesActor.Props("nowhere", watcher.Ref)));
            watcher.Watch(actor!);
            watcher.ExpectTerminated(actor!);
            Assert.Contains("ConfigurePersistence", Assert.Throws<InvalidOperationException>(() => system.Persistence()).Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TestKitSettings.Dilated(TestKitSettings.ShutdownTimeout));
        }
    }

    [Fact]
    public void Configuring_persistence_twice_is_refused_naming_what_is_configured()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Sys.ConfigurePersistence(PersistenceFactory.CreateInMemory()));
        Assert.Contains("already configured (GatedJournal)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Sys.ConfigurePersistence(_stores, new PersistenceSettings { MaxPendingAsyncWrites = 0 }));
    }

    [Fact]
    public async Task Persisting_from_a_recovery_handler_fails_recovery_with_the_reason()
    {
        var id = TestEvents.Id("persists-in-recovery");
        await _stores.Journal.WriteAsync(new AtomicWrite(new PersistentRepr(id, 1, NotesSerialization.Note("a"), 1, "test")));
        var reporter = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new PersistsWhileRecovering(reporter.Ref)));
        var failure = Assert.IsType<RecoveryFailedException>(reporter.ExpectMsg<Exception>());
        Assert.Equal(1, failure.SequenceNr);
        Assert.Contains("Persist of persistence id 'persists-in-recovery' during recovery", failure.Message, StringComparison.Ordinal);
        Watch(actor);
        ExpectTerminated(actor);
    }

    private void StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        watcher.ExpectTerminated(actor);
    }

    private IActorRef Start(string persistenceId, TestProbe? reporter = null)
    {
        reporter ??= CreateTestProbe();
        var actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref));
        reporter.ExpectMsg(new Recovered([], 0));
        return actor;
    }

    private sealed class PersistsWhileRecovering : PersistentActor
    {
        private readonly IActorRef _reporter;

        public PersistsWhileRecovering(IActorRef reporter)
        {
            _reporter = reporter;
            Recover<NoteAdded>(e => Persist(e, _ => { }));
        }

        public override PersistenceId PersistenceId => PersistenceId.Parse("persists-in-recovery");

        protected override void OnRecoveryFailure(Exception cause, object? @event) => _reporter.Tell(cause, Self);
    }
}
