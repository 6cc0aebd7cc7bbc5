using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Model;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// Events are stored with a manifest, not a CLR type name: a later build may rename the type and
/// add a field, register it under the old manifest, and still recover what the old build stored.
/// </summary>
public sealed class EventEvolutionTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public async Task An_event_type_renamed_and_extended_under_the_same_manifest_recovers_what_the_old_type_stored()
    {
        var stores = PersistenceFactory.CreateInMemory();
        Sys.Serialization().AddJson<NoteV1>("note.v1");
        Sys.ConfigurePersistence(stores);
        var before = Sys.ActorOf(Props.Create(() => new EventLog(s => new NoteV1(s))));
        Assert.Equal("stored", await before.Ask<string>("a"));
        Assert.Equal("stored", await before.Ask<string>("b"));
        Watch(before);
        Sys.Stop(before);
        ExpectTerminated(before);

        // The next build: its own registry knows only the new type, under the old manifest.
        var next = ActorSystem.Create("next-build", new ActorSystemSettings { LoggerFactory = LoggerFactory });
        try
        {
            next.Serialization().AddJson<NoteV2>("note.v1");
            next.ConfigurePersistence(stores);
            var after = next.ActorOf(Props.Create(() => new EventLog(s => new NoteV2(s, Priority: 1))));
            Assert.Equal("stored", await after.Ask<string>("c"));
            var events = await after.Ask<IReadOnlyList<object>>(new Get());
            Assert.Equal([new NoteV2("a", 0), new NoteV2("b", 0), new NoteV2("c", 1)], events);
        }
        finally
        {
            await next.Terminate();
        }
    }

    public sealed record NoteV1(string Value);

    public sealed record NoteV2(string Value, int Priority);

    /// <summary>Persists each string it is sent as the event <c>toEvent</c> makes; answers Get with every event it holds.</summary>
    private sealed class EventLog : PersistentActor
    {
        private readonly List<object> _events = [];

        public EventLog(Func<string, object> toEvent)
        {
            RecoverAny(_events.Add);
            Command<string>(s => Persist(toEvent(s), e =>
            {
                _events.Add(e);
                Sender.Tell("stored", Self);
            }));
            Command<Get>(_ => Sender.Tell((IReadOnlyList<object>)[.. _events], Self));
        }

        public override PersistenceId PersistenceId => PersistenceId.Parse("evolving-log");
    }
}
