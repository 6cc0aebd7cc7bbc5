using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.InMemory;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.Tck;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// What a persistent actor does when the stores or the serializer fail, on virtual time with
/// in-memory stores and injected faults, so backoff delays and the order of events are exact.
/// </summary>
public sealed class PersistentActorFailureTests : TestKitBase
{
    private readonly InMemoryFaults _faults = new();
    private readonly PersistenceStores _stores;

    public PersistentActorFailureTests(ITestOutputHelper output)
        : base(output, deterministic: true)
    {
        _stores = PersistenceFactory.CreateInMemory(_faults);
        Sys.ConfigurePersistence(_stores.Journal, _stores.SnapshotStore, serialization: NotesSerialization.Register(Sys.Serialization()));
    }

    [Fact]
    public void A_failed_write_stops_the_actor_logging_id_and_sequence_nr_and_a_backoff_supervisor_restarts_it_to_recover()
    {
        var reporter = CreateTestProbe();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            NotesActor.Props("backoff-1", reporter.Ref), "notes", new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0))
        {
            JitterSeed = 1,
        }));
        reporter.ExpectMsg(new Recovered([], 0));
        supervisor.Tell(new AddAll("a", "b"), TestActor);
        ExpectMsg(new Added("a", 1));
        ExpectMsg(new Added("b", 2));

        _faults.FailNext(StoreOperation.Write);
        LogFilter(LogLevel.Error, "Failed to persist NoteAdded of backoff-1 at sequence nr 3").ExpectOne(() => supervisor.Tell(new Add("c"), TestActor));
        var failed = reporter.ExpectMsg<WriteFailed>();
        Assert.Equal(3, failed.SequenceNr);
        Assert.Contains("injected fault", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(failed, ExpectMsg<WriteFailed>());

        // The supervisor re-creates it after the backoff; it recovers what was confirmed.
        var stoppedAt = Time.GetUtcNow();
        reporter.ExpectMsg(new Recovered(["a", "b"], 2), TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(1), Time.GetUtcNow() - stoppedAt);
        supervisor.Tell(new Add("d"), TestActor);
        ExpectMsg(new Added("d", 3));
        ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_failed_PersistAll_stores_nothing_and_runs_no_handler()
    {
        var reporter = CreateTestProbe();
        var notes = Start("all-failed", reporter);
        _faults.FailNext(StoreOperation.Write);
        Watch(notes);
        notes.Tell(new AddAll("x", "y"), TestActor);
        Assert.Equal(1, reporter.ExpectMsg<WriteFailed>().SequenceNr);
        ExpectMsg<WriteFailed>();
        ExpectTerminated(notes);
        Assert.Empty(await _stores.Journal.SequenceNrsAsync(TestEvents.Id("all-failed")));
    }

    [Fact]
    public void An_event_that_cannot_be_serialized_is_reported_its_handler_does_not_run_and_the_actor_goes_on()
    {
        var reporter = CreateTestProbe();
        var notes = Start("reject-1", reporter);
        notes.Tell(new Add("a"), TestActor);
        ExpectMsg(new Added("a", 1));

        LogFilter(LogLevel.Warning, "Rejected UnregisteredEvent of reject-1 at sequence nr 2").ExpectOne(() => notes.Tell(new AddUnserializable("x"), TestActor));
        var rejected = reporter.ExpectMsg<Rejected>();
        Assert.Equal((nameof(UnregisteredEvent), 2L), (rejected.EventType, rejected.SequenceNr));
        Assert.Contains($"no serializer is registered for {typeof(UnregisteredEvent).FullName}", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(rejected, ExpectMsg<Rejected>());

        notes.Tell(new Add("b"), TestActor);
        ExpectMsg(new Added("b", 2));
    }

    [Theory]
    [InlineData(StoreOperation.LoadSnapshot, 0, "loading the snapshot failed")]
    [InlineData(StoreOperation.ReadHighestSequenceNr, 0, "reading the highest sequence nr failed")]
    [InlineData(StoreOperation.Replay, 1, "replaying events from sequence nr 1 failed")]
    public async Task A_store_failure_during_recovery_stops_the_actor_with_the_reason(StoreOperation operation, long sequenceNr, string expected)
    {
        var id = TestEvents.Id("recovery-fault");
        await _stores.Journal.WriteAsync(new AtomicWrite([new(id, 1, NotesSerialization.Note("a"), 1, "t"), new(id, 2, NotesSerialization.Note("b"), 2, "t")]));
        _faults.FailNext(operation);

        var failure = ExpectRecoveryFailure("recovery-fault", sequenceNr, expected);
        Assert.Contains("injected fault", failure.Message, StringComparison.Ordinal);
        Assert.IsType<Errors.PersistenceStorageException>(failure.InnerException);
    }

    [Fact]
    public async Task A_recovery_handler_that_throws_stops_the_actor_naming_the_event_and_its_sequence_nr()
    {
        var id = TestEvents.Id("poisoned");
        await _stores.Journal.WriteAsync(new AtomicWrite([
            new(id, 1, NotesSerialization.Note("a"), 1, "t"),
            new(id, 2, NotesSerialization.Note(NotesActor.PoisonNote), 2, "t"),
            new(id, 3, NotesSerialization.Note("c"), 3, "t"),
        ]));

        var failure = ExpectRecoveryFailure("poisoned", 2, "the recovery handler for NoteAdded threw InvalidOperationException: poisoned note");
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public void Snapshot_and_delete_failures_reach_the_actor_and_are_logged_when_it_does_not_handle_them()
    {
        var reporter = CreateTestProbe();
        var notes = Start("store-faults", reporter);
        notes.Tell(new Add("a"), TestActor);
        ExpectMsg(new Added("a", 1));

        _faults.FailNext(StoreOperation.SaveSnapshot, reason: "disk full");
        notes.Tell(new TakeSnapshot(), TestActor);
        var saveFailure = reporter.ExpectMsg<SaveSnapshotFailure>();
        Assert.Equal(1, saveFailure.Metadata.SequenceNr);
        Assert.Contains("disk full", saveFailure.Cause.Message, StringComparison.Ordinal);

        _faults.FailNext(StoreOperation.DeleteMessages);
        notes.Tell(new DeleteEventsTo(1), TestActor);
        Assert.Equal(1, reporter.ExpectMsg<DeleteMessagesFailure>().ToSequenceNr);

        _faults.FailNext(StoreOperation.DeleteSnapshot);
        notes.Tell(new DeleteSnapshotsMatching(SnapshotSelectionCriteria.Latest), TestActor);
        reporter.ExpectMsg<DeleteSnapshotsFailure>();

        // An actor that ignores the replies still leaves a trace of the failure.
        var quiet = Sys.ActorOf(NotesActor.Props("store-faults-quiet", reporter.Ref, handleReplies: false));
        reporter.ExpectMsg(new Recovered([], 0));
        _faults.FailNext(StoreOperation.SaveSnapshot, reason: "disk full");
        LogFilter(LogLevel.Warning, "Saving the snapshot at sequence nr 0 of store-faults-quiet failed and the actor does not handle SaveSnapshotFailure")
            .ExpectOne(() => quiet.Tell(new TakeSnapshot(), TestActor));
    }

    private IActorRef Start(string persistenceId, TestProbe reporter)
    {
        var actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref));
        reporter.ExpectMsg(new Recovered([], 0));
        return actor;
    }

    private RecoveryFailedException ExpectRecoveryFailure(string persistenceId, long sequenceNr, string expected)
    {
        var reporter = CreateTestProbe();
        IActorRef? actor = null;
        LogFilter(LogLevel.Error, $"Recovery of {persistenceId} failed at sequence nr {sequenceNr}: ")
            .ExpectOne(() => actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref)));
        var failure = Assert.IsType<RecoveryFailedException>(reporter.ExpectMsg<RecoveryFailure>().Cause);
        Assert.Equal(sequenceNr, failure.SequenceNr);
        Assert.StartsWith($"recovery of persistence id '{persistenceId}' failed at sequence nr {sequenceNr}: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Watch(actor!);
        ExpectTerminated(actor!);
        return failure;
    }
}
