using PeerSync.Actors;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Tests.PersistentActors.Protos;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// The persistent actor most tests drive: a list of notes, one <see cref="NoteAdded"/> event per
/// note, a <see cref="NotesSnapshot"/> as snapshot. Replies go to the command's sender (rejections
/// and write failures too); lifecycle reports (recovery, rejections, failures, snapshot and delete
/// replies) go to the reporter.
/// </summary>
public sealed class NotesActor : PersistentActor, IWithStash
{
    /// <summary>A stored note with this value makes the recovery handler throw.</summary>
    public const string PoisonNote = "poison";

    /// <summary>The manifest of <see cref="NoteAdded"/> in the journal.</summary>
    public const string NoteManifest = "peersync.persistence.tests.NoteAdded";

    /// <summary>The manifest of <see cref="NotesSnapshot"/> in the snapshot store.</summary>
    public const string SnapshotManifest = "peersync.persistence.tests.NotesSnapshot";

    private readonly IActorRef _reporter;
    private readonly Recovery _recovery;
    private List<string> _notes = [];
    private bool _holdingNotes;

    public NotesActor(string persistenceId, IActorRef reporter, Recovery? recovery = null, bool handleReplies = true)
    {
        PersistenceId = PersistenceId.Parse(persistenceId);
        _reporter = reporter;
        _recovery = recovery ?? Recovery.Default;

        Recover<NoteAdded>(e =>
        {
            if (e.Value == PoisonNote)
            {
                throw new InvalidOperationException("poisoned note");
            }

            _notes.Add(e.Value);
        });
        Recover<SnapshotOffer>(offer =>
        {
            _notes = [.. ((NotesSnapshot)offer.Snapshot).Values];
            _reporter.Tell(new Offered(offer.Metadata.SequenceNr, _notes.Count), Self);
        });

        Command<RecoveryCompleted>(_ => _reporter.Tell(new Recovered([.. _notes], LastSequenceNr), Self));
        Command<Add>(c =>
        {
            if (_holdingNotes)
            {
                Stash.Stash();
            }
            else
            {
                Persist(Note(c.Value), Apply);
            }
        });
        Command<AddAll>(c => PersistAll(c.Values.Select(Note), Apply));
        Command<AddAsync>(c => PersistAsync(Note(c.Value), Apply));
        Command<AddAllAsync>(c => PersistAllAsync(c.Values.Select(Note), Apply));
        Command<AddUnserializable>(c => Persist(new UnregisteredEvent(c.Value), _ => Sender.Tell("unserializable handler ran", Self)));
        Command<AddAllWithUnserializable>(c =>
            PersistAll<object>([Note(c.First), new UnregisteredEvent("middle"), Note(c.Last)], e => Apply((NoteAdded)e)));
        Command<AddNested>(c => Persist(Note(c.Outer), outer =>
        {
            Apply(outer);
            Persist(Note(c.Inner), Apply);
        }));
        Command<AddAsyncThenDefer>(c =>
        {
            foreach (var value in c.Values)
            {
                PersistAsync(Note(value), Apply);
            }

            DeferAsync(c.Marker, marker => Sender.Tell(new Deferred(marker, LastSequenceNr), Self));
        });
        CommandAsync<AddAfterAwait>(async c =>
        {
            await c.Before;
            Persist(Note(c.Value), Apply);
        });
        Command<Get>(_ => Sender.Tell(new State([.. _notes], LastSequenceNr), Self));
        Command<TakeSnapshot>(_ => SaveSnapshot(new NotesSnapshot { Values = { _notes } }));
        Command<DeleteEventsTo>(c => DeleteMessages(c.SequenceNr));
        Command<DeleteSnapshotAt>(c => DeleteSnapshot(c.SequenceNr));
        Command<DeleteSnapshotsMatching>(c => DeleteSnapshots(c.Criteria));
        Command<Crash>(c => throw new InvalidOperationException(c.Reason));
        Command<HoldNotes>(_ => _holdingNotes = true);
        Command<ReleaseNotes>(_ =>
        {
            _holdingNotes = false;
            Stash.UnstashAll();
        });
        if (handleReplies)
        {
            Command<SaveSnapshotSuccess>(m => _reporter.Tell(m, Self));
            Command<SaveSnapshotFailure>(m => _reporter.Tell(m, Self));
            Command<DeleteSnapshotSuccess>(m => _reporter.Tell(m, Self));
            Command<DeleteSnapshotFailure>(m => _reporter.Tell(m, Self));
            Command<DeleteSnapshotsSuccess>(m => _reporter.Tell(m, Self));
            Command<DeleteSnapshotsFailure>(m => _reporter.Tell(m, Self));
            Command<DeleteMessagesSuccess>(m => _reporter.Tell(m, Self));
            Command<DeleteMessagesFailure>(m => _reporter.Tell(m, Self));
        }
    }

    public override PersistenceId PersistenceId { get; }

    public IStash Stash { get; set; } = null!;

    protected override Recovery Recovery => _recovery;

    public static Props Props(string persistenceId, IActorRef reporter, Recovery? recovery = null, bool handleReplies = true) =>
        PeerSync.Actors.Props.Create(() => new NotesActor(persistenceId, reporter, recovery, handleReplies));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        var failed = new WriteFailed(@event.GetType().Name, sequenceNr, cause.Message);
        _reporter.Tell(failed, Self);
        Sender.Tell(failed, Self);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        var rejected = new Rejected(@event.GetType().Name, sequenceNr, cause.Message);
        _reporter.Tell(rejected, Self);
        Sender.Tell(rejected, Self);
    }

    protected override void OnRecoveryFailure(Exception cause, object? @event)
    {
        base.OnRecoveryFailure(cause, @event);
        _reporter.Tell(new RecoveryFailure(cause, @event is not null), Self);
    }

    private static NoteAdded Note(string value) => new() { Value = value };

    private void Apply(NoteAdded e)
    {
        _notes.Add(e.Value);
        Sender.Tell(new Added(e.Value, LastSequenceNr), Self);
    }
}
