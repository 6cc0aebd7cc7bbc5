using Google.Protobuf;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Tests.PersistentActors.Protos;
using PeerSync.Persistence.Tests.Tck;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// Base of the persistent-actor conformance specs: an actor system whose persistence is one
/// provider's fresh storage (through a <see cref="GatedJournal"/>, so a test can hold writes back
/// on any provider). One small subclass per provider, as for the store TCK.
/// </summary>
public abstract class PersistentActorSpecBase(ITestOutputHelper output) : TestKitBase(output), IAsyncLifetime
{
    private StoreTarget? _target;
    private PersistenceStores? _stores;
    private GatedJournal? _journal;

    protected StoreTarget Target => _target ?? throw new InvalidOperationException("the spec is not initialized");

    /// <summary>The stores themselves, for checking what was stored and for writing rows by hand.</summary>
    protected PersistenceStores Stores => _stores ?? throw new InvalidOperationException("the spec is not initialized");

    /// <summary>The journal the actors write through.</summary>
    protected GatedJournal Journal => _journal ?? throw new InvalidOperationException("the spec is not initialized");

    public async Task InitializeAsync()
    {
        _target = CreateTarget();
        _stores = await _target.OpenAsync();
        _journal = new GatedJournal(_stores.Journal);
        Sys.ConfigurePersistence(_journal, _stores.SnapshotStore, serialization: NotesSerialization.Register(Sys.Serialization()));
    }

    public async Task DisposeAsync()
    {
        // Actors first (their last writes are flushed by the stores' disposal), then the storage.
        Shutdown();
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    protected abstract StoreTarget CreateTarget();

    /// <summary>Starts a <see cref="NotesActor"/> and waits until it reports its recovery.</summary>
    protected IActorRef StartNotes(string persistenceId, TestProbe reporter, Recovered expected, Recovery? recovery = null)
    {
        var actor = Sys.ActorOf(NotesActor.Props(persistenceId, reporter.Ref, recovery));
        reporter.ExpectMsg(expected);
        return actor;
    }

    /// <summary>Stops <paramref name="actor"/> and waits until it has stopped.</summary>
    protected void StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        watcher.ExpectTerminated(actor);
    }

    protected static Recovered Recovered(long lastSequenceNr, params string[] values) => new(values, lastSequenceNr);
}

/// <summary>Registers the tests' protobuf events and snapshots.</summary>
public static class NotesSerialization
{
    public static SerializationRegistry Register(SerializationRegistry registry) => registry.AddProtobuf(TestEventsReflection.Descriptor);

    public static SerializedPayload Note(string value) => new(ProtobufSerializer.SerializerId, NotesActor.NoteManifest, new NoteAdded { Value = value }.ToByteArray());
}
