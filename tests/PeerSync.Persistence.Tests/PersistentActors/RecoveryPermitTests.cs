using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Configuration;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>The bound on concurrent recoveries: the permit queue itself, then actors on virtual time.</summary>
public sealed class RecoveryPermitTests : TestKitBase
{
    private readonly GatedJournal _journal;

    public RecoveryPermitTests(ITestOutputHelper output)
        : base(output, deterministic: true)
    {
        var stores = PersistenceFactory.CreateInMemory();
        _journal = new GatedJournal(stores.Journal);
        Sys.ConfigurePersistence(
            _journal, stores.SnapshotStore, new PersistenceSettings { MaxConcurrentRecoveries = 2 }, NotesSerialization.Register(Sys.Serialization()));
    }

    [Fact]
    public void Permits_are_granted_first_come_first_served_up_to_the_bound()
    {
        var permits = new RecoveryPermits(2);
        object a = new(), b = new(), c = new(), d = new();
        Assert.True(permits.AcquireAsync(a).IsCompletedSuccessfully);
        Assert.True(permits.AcquireAsync(b).IsCompletedSuccessfully);
        var forC = permits.AcquireAsync(c);
        var forD = permits.AcquireAsync(d);
        Assert.False(forC.IsCompleted);

        permits.Release(a);
        Assert.True(forC.IsCompletedSuccessfully);
        Assert.False(forD.IsCompleted);
        Assert.Equal(2, permits.InUse);
    }

    [Fact]
    public void Release_withdraws_a_queued_request_and_ignores_an_owner_without_one()
    {
        var permits = new RecoveryPermits(1);
        object a = new(), b = new(), c = new();
        _ = permits.AcquireAsync(a);
        var forB = permits.AcquireAsync(b);
        var forC = permits.AcquireAsync(c);

        permits.Release(b);
        permits.Release(new object());
        Assert.Equal(1, permits.InUse);
        permits.Release(a);
        Assert.False(forB.IsCompleted);
        Assert.True(forC.IsCompletedSuccessfully);

        // Releasing twice returns one permit once.
        permits.Release(c);
        permits.Release(c);
        Assert.Equal(0, permits.InUse);
    }

    [Fact]
    public void Recoveries_beyond_the_bound_wait_and_an_actor_stopped_while_recovering_or_waiting_frees_its_place()
    {
        var reporter = CreateTestProbe();
        _journal.CloseReads();
        var a = Sys.ActorOf(NotesActor.Props("r-a", reporter.Ref));
        Sys.ActorOf(NotesActor.Props("r-b", reporter.Ref));
        var c = Sys.ActorOf(NotesActor.Props("r-c", reporter.Ref));
        Sys.ActorOf(NotesActor.Props("r-d", reporter.Ref));
        Scheduler!.RunUntilIdle();
        Assert.Equal(2, _journal.HighestReads);
        Assert.Equal(2, Sys.Persistence().RecoveriesInProgress);

        // r-a holds a permit (its read is held), r-c waits for one: stopping both lets r-d in.
        Sys.Stop(a);
        Sys.Stop(c);
        Scheduler.RunUntilIdle();
        Assert.Equal(3, _journal.HighestReads);

        _journal.OpenReads();
        reporter.ExpectMsg(new Recovered([], 0));
        reporter.ExpectMsg(new Recovered([], 0));
        reporter.ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.Equal(0, Sys.Persistence().RecoveriesInProgress);
        Assert.Equal(3, _journal.HighestReads);
    }
}
