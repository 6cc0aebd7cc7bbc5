using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.PersistentActors.Protos;
using PeerSync.Persistence.Tests.Tck;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// The persistent actor's contract, run against every provider (subclasses in Providers/): what
/// commands see while events are written, what is stored, and what recovery rebuilds.
/// </summary>
public abstract class PersistentActorSpec(ITestOutputHelper output) : PersistentActorSpecBase(output)
{
    [StoreFact]
    public async Task Persist_runs_each_handler_after_its_event_is_stored_with_contiguous_sequence_nrs()
    {
        var notes = StartNotes("persist-1", CreateTestProbe(), Recovered(0));
        foreach (var value in new[] { "a", "b", "c" })
        {
            notes.Tell(new Add(value), TestActor);
        }

        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));
        ExpectMsg(new Added("c", 3));

        var stored = await Stores.Journal.ReplayAllAsync(TestEvents.Id("persist-1"));
        Assert.Equal([1L, 2, 3], stored.Select(e => e.SequenceNr));
        Assert.All(stored, e => Assert.Equal((ProtobufSerializer.SerializerId, NotesActor.NoteManifest), (e.Payload.SerializerId, e.Payload.Manifest)));
        Assert.Equal(["a", "b", "c"], stored.Select(e => NoteAdded.Parser.ParseFrom(e.Payload.Bytes).Value));
    }

    [StoreFact]
    public void Commands_wait_in_order_while_a_persist_is_unconfirmed()
    {
        var notes = StartNotes("wait-1", CreateTestProbe(), Recovered(0));
        Journal.Close();
        notes.Tell(new Add("a"), TestActor);
        notes.Tell(new Get(), TestActor);
        notes.Tell(new Add("b"), TestActor);
        AwaitCondition(() => Journal.Issued == 1, message: "the first write was issued");

        // Neither the query nor the second write get through while the first event is unconfirmed.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, Journal.Issued);

        Journal.Open();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new State(["a"], 1));
        ExpectMsg(new Added("b", 2));
    }

    [StoreFact]
    public void PersistAsync_does_not_hold_commands_and_its_handlers_run_in_call_order()
    {
        var notes = StartNotes("async-1", CreateTestProbe(), Recovered(0));
        Journal.Close();
        notes.Tell(new AddAsync("a"), TestActor);
        notes.Tell(new AddAsync("b"), TestActor);
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State([], 0));
        Assert.Equal(2, Journal.Issued);

        Journal.Open();
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));
        notes.Tell(new AddAllAsync("c", "d"), TestActor);
        ExpectMsg(new Added("c", 3));
        ExpectMsg(new Added("d", 4));
    }

    [StoreFact]
    public async Task PersistAll_stores_the_events_in_one_atomic_write_and_runs_every_handler_before_the_next_command()
    {
        var notes = StartNotes("all-1", CreateTestProbe(), Recovered(0));
        Journal.Close();
        notes.Tell(new AddAll("x", "y", "z"), TestActor);
        notes.Tell(new Get(), TestActor);
        AwaitCondition(() => Journal.Issued == 1, message: "one write for the three events");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Journal.Open();
        ExpectMsg(new Added("x", 1));
        ExpectMsg(new Added("y", 2));
        ExpectMsg(new Added("z", 3));
        ExpectMsg(new State(["x", "y", "z"], 3));
        Assert.Equal(1, Journal.Issued);
        Assert.Equal([1L, 2, 3], await Stores.Journal.SequenceNrsAsync(TestEvents.Id("all-1")));
    }

    [StoreFact]
    public async Task PersistAll_with_an_unserializable_event_stores_nothing_runs_no_handler_and_leaves_the_sequence_nrs_free()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("all-rejected", reporter, Recovered(0));
        notes.Tell(new Add("a"), TestActor);
        ExpectMsg(new Added("a", 1));

        notes.Tell(new AddAllWithUnserializable("b", "c"), TestActor);
        Assert.Equal((nameof(NoteAdded), 2L), Pick(reporter.ExpectMsg<Rejected>()));
        var middle = reporter.ExpectMsg<Rejected>();
        Assert.Equal((nameof(UnregisteredEvent), 3L), Pick(middle));
        Assert.Contains("no serializer is registered", middle.Reason, StringComparison.Ordinal);
        Assert.Equal((nameof(NoteAdded), 4L), Pick(reporter.ExpectMsg<Rejected>()));

        // The rejection runs on behalf of the command: its sender hears of it.
        Assert.Equal([2L, 3, 4], ReceiveN(3).Cast<Rejected>().Select(r => r.SequenceNr));
        notes.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 2));
        notes.Tell(new Get(), TestActor);
        ExpectMsg(new State(["a", "d"], 2));
        Assert.Equal([1L, 2], await Stores.Journal.SequenceNrsAsync(TestEvents.Id("all-rejected")));

        static (string, long) Pick(Rejected r) => (r.EventType, r.SequenceNr);
    }

    [StoreFact]
    public void Recovery_replays_the_stored_events_and_LastSequenceNr_continues_after_a_restart()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("recover-1", reporter, Recovered(0));
        notes.Tell(new AddAll("a", "b"), TestActor);
        notes.Tell(new Add("c"), TestActor);
        ReceiveN(3);
        StopAndWait(notes);

        notes = StartNotes("recover-1", reporter, Recovered(3, "a", "b", "c"));
        notes.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 4));
    }

    [StoreFact]
    public void A_failing_command_restarts_the_actor_which_recovers_only_what_was_persisted()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("crash-1", reporter, Recovered(0));
        notes.Tell(new Add("a"), TestActor);
        ExpectMsg(new Added("a", 1));

        ExceptionFilter<InvalidOperationException>("bad command").ExpectOne(() => notes.Tell(new Crash("bad command"), TestActor));
        reporter.ExpectMsg(Recovered(1, "a"));
        notes.Tell(new Add("b"), TestActor);
        ExpectMsg(new Added("b", 2));
    }

    [StoreFact]
    public void Recovery_starts_from_the_latest_snapshot_and_replays_only_the_events_after_it()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("snap-1", reporter, Recovered(0));
        notes.Tell(new AddAll("a", "b"), TestActor);
        ReceiveN(2);
        notes.Tell(new TakeSnapshot(), TestActor);
        Assert.Equal(2, reporter.ExpectMsg<SaveSnapshotSuccess>().Metadata.SequenceNr);
        notes.Tell(new Add("c"), TestActor);
        ExpectMsg(new Added("c", 3));

        // With the events the snapshot covers deleted, only the snapshot can bring a and b back.
        notes.Tell(new DeleteEventsTo(2), TestActor);
        reporter.ExpectMsg(new DeleteMessagesSuccess(2));
        StopAndWait(notes);

        var restarted = Sys.ActorOf(NotesActor.Props("snap-1", reporter.Ref));
        reporter.ExpectMsg(new Offered(2, 2));
        reporter.ExpectMsg(Recovered(3, "a", "b", "c"));
        restarted.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 4));
    }

    [StoreFact]
    public async Task Snapshots_are_saved_and_deleted_one_at_a_time_or_by_criteria_with_replies()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("snap-2", reporter, Recovered(0));
        foreach (var value in new[] { "a", "b", "c" })
        {
            notes.Tell(new Add(value), TestActor);
            notes.Tell(new TakeSnapshot(), TestActor);
            reporter.ExpectMsg<SaveSnapshotSuccess>();
        }

        ReceiveN(3);
        notes.Tell(new DeleteSnapshotAt(3), TestActor);
        Assert.Equal(3, reporter.ExpectMsg<DeleteSnapshotSuccess>().Metadata.SequenceNr);
        var upToFirst = new SnapshotSelectionCriteria(maxSequenceNr: 1, maxTimestampMs: long.MaxValue);
        notes.Tell(new DeleteSnapshotsMatching(upToFirst), TestActor);
        reporter.ExpectMsg(new DeleteSnapshotsSuccess(upToFirst));

        var id = TestEvents.Id("snap-2");
        Assert.Equal(2, (await Stores.SnapshotStore.LoadAsync(id, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
        Assert.Null(await Stores.SnapshotStore.LoadAsync(id, upToFirst));
        StopAndWait(notes);
        Sys.ActorOf(NotesActor.Props("snap-2", reporter.Ref));
        reporter.ExpectMsg(new Offered(2, 2));
        reporter.ExpectMsg(Recovered(3, "a", "b", "c"));
    }

    [StoreFact]
    public void Recovery_settings_choose_an_older_snapshot_stop_early_or_skip_replay_but_keep_the_sequence()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("partial-1", reporter, Recovered(0));
        notes.Tell(new Add("a"), TestActor);
        notes.Tell(new TakeSnapshot(), TestActor);
        notes.Tell(new AddAll("b", "c"), TestActor);
        notes.Tell(new TakeSnapshot(), TestActor);
        reporter.ExpectMsg<SaveSnapshotSuccess>();
        reporter.ExpectMsg<SaveSnapshotSuccess>();
        ReceiveN(3);
        StopAndWait(notes);

        var older = new Recovery(new SnapshotSelectionCriteria(maxSequenceNr: 1, maxTimestampMs: long.MaxValue));
        StopAndWait(StartNotesAfterOffer("partial-1", reporter, older, new Offered(1, 1), Recovered(3, "a", "b", "c")));

        var early = new Recovery(SnapshotSelectionCriteria.None, toSequenceNr: 2);
        StopAndWait(StartNotes("partial-1", reporter, Recovered(3, "a", "b"), early));

        var none = StartNotes("partial-1", reporter, Recovered(3), Recovery.None);
        none.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 4));
    }

    [StoreFact]
    public async Task DeleteMessages_deletes_the_prefix_refuses_unconfirmed_numbers_and_never_reuses_sequence_nrs()
    {
        var reporter = CreateTestProbe();
        var notes = StartNotes("delete-1", reporter, Recovered(0));
        notes.Tell(new AddAll("a", "b", "c"), TestActor);
        ReceiveN(3);

        notes.Tell(new DeleteEventsTo(2), TestActor);
        reporter.ExpectMsg(new DeleteMessagesSuccess(2));
        Assert.Equal([3L], await Stores.Journal.SequenceNrsAsync(TestEvents.Id("delete-1")));

        notes.Tell(new DeleteEventsTo(5), TestActor);
        var refused = reporter.ExpectMsg<DeleteMessagesFailure>();
        Assert.Equal(5, refused.ToSequenceNr);
        Assert.Contains("the last confirmed sequence nr is 3", refused.Cause.Message, StringComparison.Ordinal);

        notes.Tell(new DeleteEventsTo(long.MaxValue), TestActor);
        reporter.ExpectMsg(new DeleteMessagesSuccess(3));
        StopAndWait(notes);

        notes = StartNotes("delete-1", reporter, Recovered(3));
        notes.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 4));
    }

    [StoreFact]
    public async Task An_undecodable_stored_event_stops_recovery_with_an_error_naming_the_persistence_id_and_sequence_nr()
    {
        (string Id, SerializedPayload Bad, string Expected)[] cases =
        [
            ("bad-serializer", new SerializedPayload(99, "x.v1", [1, 2, 3]), "unknown serializer id 99"),
            ("bad-manifest", new SerializedPayload(ProtobufSerializer.SerializerId, "peersync.persistence.tests.Gone", [1]), "unknown protobuf manifest 'peersync.persistence.tests.Gone'"),
            ("bad-bytes", new SerializedPayload(ProtobufSerializer.SerializerId, NotesActor.NoteManifest, [0xFF, 0xFF, 0xFF]), "does not decode"),
        ];

        foreach (var (id, bad, expected) in cases)
        {
            var persistenceId = TestEvents.Id(id);
            await Stores.Journal.WriteAsync(new AtomicWrite(new PersistentRepr(persistenceId, 1, NotesSerialization.Note("fine"), 1, "test")));
            await Stores.Journal.WriteAsync(new AtomicWrite(new PersistentRepr(persistenceId, 2, bad, 2, "test")));
            ExpectRecoveryFailure(id, 2, expected);
        }
    }

    [StoreFact]
    public async Task An_undecodable_snapshot_stops_recovery_naming_the_persistence_id_and_the_snapshot_sequence_nr()
    {
        var id = TestEvents.Id("bad-snapshot");
        await Stores.SnapshotStore.SaveAsync(
            new SnapshotMetadata(id, 5, 1), new SerializedPayload(ProtobufSerializer.SerializerId, NotesActor.SnapshotManifest, [0xFF, 0xFF]));
        var failure = ExpectRecoveryFailure("bad-snapshot", 5, "does not decode");
        Assert.Contains("stored snapshot", failure.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public void Many_persistent_actors_persist_concurrently_and_each_recovers_its_own_events()
    {
        const int actors = 40;
        const int eventsEach = 15;
        var reporter = CreateTestProbe();
        var refs = Enumerable.Range(0, actors).Select(a => StartNotes($"many-{a}", reporter, Recovered(0))).ToArray();
        for (var i = 1; i <= eventsEach; i++)
        {
            for (var a = 0; a < actors; a++)
            {
                refs[a].Tell(new Add($"{a}:{i}"), TestActor);
            }
        }

        var acks = ReceiveN(actors * eventsEach, TestKitSettings.Dilated(TimeSpan.FromSeconds(30))).Cast<Added>().ToList();
        foreach (var group in acks.GroupBy(a => a.Value.Split(':')[0]))
        {
            // Per actor: every event acknowledged once, in order, with its own sequence nrs 1..N.
            Assert.Equal(Enumerable.Range(1, eventsEach).Select(i => (long)i), group.Select(a => a.SequenceNr));
            Assert.Equal(Enumerable.Range(1, eventsEach).Select(i => $"{group.Key}:{i}"), group.Select(a => a.Value));
        }

        foreach (var actor in refs)
        {
            StopAndWait(actor);
        }

        for (var a = 0; a < actors; a++)
        {
            StartNotes($"many-{a}", reporter, Recovered(eventsEach, Enumerable.Range(1, eventsEach).Select(i => $"{a}:{i}").ToArray()));
        }
    }

    [StoreFact]
    public async Task An_actor_started_in_a_new_system_on_reopened_stores_recovers_every_confirmed_event()
    {
        var notes = StartNotes("reopen-1", CreateTestProbe(), Recovered(0));
        for (var i = 1; i <= 10; i++)
        {
            notes.Tell(new Add($"n{i}"), TestActor);
            ExpectMsg(new Added($"n{i}", i));
        }

        // Five more are sent without waiting, then the system goes down under them and the
        // stores close: whatever of those five landed is a contiguous, ordered suffix.
        for (var i = 11; i <= 15; i++)
        {
            notes.Tell(new Add($"n{i}"), TestActor);
        }

        _ = Sys.Terminate();
        await Stores.DisposeAsync();

        await using var reopened = await Target.OpenAsync();
        var system = ActorSystem.Create("reopened", new ActorSystemSettings { LoggerFactory = LoggerFactory });
        try
        {
            system.ConfigurePersistence(reopened);
            NotesSerialization.Register(system.Serialization());
            var reporter = new PeerSync.TestKit.TestProbe(system, TestKitSettings);
            var restarted = system.ActorOf(NotesActor.Props("reopen-1", reporter.Ref));
            var recovered = reporter.ExpectMsg<Recovered>();
            Assert.InRange(recovered.LastSequenceNr, 10, 15);
            Assert.Equal(Enumerable.Range(1, (int)recovered.LastSequenceNr).Select(i => $"n{i}"), recovered.Values);

            restarted.Tell(new Get(), reporter.Ref);
            reporter.ExpectMsg(new State(recovered.Values, recovered.LastSequenceNr));
            restarted.Tell(new Add("after"), reporter.Ref);
            reporter.ExpectMsg(new Added("after", recovered.LastSequenceNr + 1));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Starts a NotesActor on <paramref name="persistenceId"/> and expects its recovery to fail.</summary>
    protected RecoveryFailedException ExpectRecoveryFailure(string persistenceId, long sequenceNr, string expected)
    {
        var reporter = CreateTestProbe();
        IActorRef? actor = null;
        LogFilter(LogLevel.Error, $"Recovery of {persistenceId} failed at sequence nr {sequenceNr}")
            .ExpectOne(() => actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref)));
        var failure = Assert.IsType<RecoveryFailedException>(reporter.ExpectMsg<RecoveryFailure>().Cause);
        Assert.Equal(TestEvents.Id(persistenceId), failure.PersistenceId);
        Assert.Equal(sequenceNr, failure.SequenceNr);
        Assert.Contains($"persistence id '{persistenceId}'", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"sequence nr {sequenceNr}", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);

        var watcher = CreateTestProbe();
        watcher.Watch(actor!);
        watcher.ExpectTerminated(actor!);
        return failure;
    }

    private IActorRef StartNotesAfterOffer(string persistenceId, PeerSync.TestKit.TestProbe reporter, Recovery recovery, Offered offered, Recovered recovered)
    {
        var actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref, recovery));
        reporter.ExpectMsg(offered);
        reporter.ExpectMsg(recovered);
        return actor;
    }
}
