using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence;
using PeerSync.Persistence.Configuration;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;
using PeerSync.TestKit;
using Xunit.Abstractions;
using static PeerSync.Sync.Tests.Support.Ids;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Tests.Host;

/// <summary>The persistent host of a peer machine: what it sends, what it journals, what it recovers.</summary>
public sealed class PeerSyncActorTests : TestKitBase
{
    private static readonly SyncSessionId Session = new(7);
    private static readonly OriginId A = Origin("a", 0xA);
    private static readonly OriginId B = Origin("b", 0xB);
    private readonly PersistenceStores _stores = PersistenceFactory.CreateInMemory();
    private readonly IRecordStore _store = RecordStores.InMemory(new InMemoryStorage());
    private readonly UniqueNode _self = new(Node("a"), new Incarnation(1));
    private readonly UniqueNode _peerRun = new(Node("b"), new Incarnation(2));
    private readonly TestProbe _coordinator;
    private readonly TestProbe _remote;

    public PeerSyncActorTests(ITestOutputHelper output)
        : base(output)
    {
        Sys.ConfigurePersistence(_stores);
        Sys.Serialization().AddProtobuf(V1.SyncReflection.Descriptor);
        _coordinator = CreateTestProbe("coordinator");
        _remote = CreateTestProbe("remote");
    }

    [Fact]
    public async Task PeerSyncActor_says_hello_journals_acknowledgements_and_recovers_them_after_a_restart()
    {
        await _store.OpenAsync(Node("a"), new DataEpoch(0xA));
        var actor = Start("first");
        Assert.Equal(PeerPhase.Disconnected, _coordinator.ExpectMsg<PeerReport>().Status.Phase);

        actor.Tell(new StartPeerSession(_peerRun, _remote.Ref, new PeerConnected(Session, new LocalSyncState(A.Epoch, A, Watermarks.Empty, Watermarks.Empty, false))));
        var hello = _remote.ExpectMsg<V1.SyncDelivery>(d => d.Envelope.Hello is not null);
        Assert.Equal(("a", 1UL, 2UL, Session.Value), (hello.FromNode, hello.FromIncarnation, hello.ToIncarnation, hello.Envelope.Hello.Session));

        var applied = Watermarks.Empty.With(B, H(5));
        actor.Tell(new StepPeer(new HelloReceived(Session, new SyncHello(B.Epoch, applied, Watermarks.Empty, false, 0, false))));
        var active = _coordinator.FishForMessage<PeerReport>(r => r.Status.Phase == PeerPhase.Active);
        Assert.Equal((B.Epoch, H(5)), (active.Epoch!.Value, active.Status.Acknowledged[B]));
        AwaitCondition(() => _stores.Journal.ReadHighestSequenceNrAsync(PeerSyncActor.PersistenceIdOf(Node("b"))).GetAwaiter().GetResult() >= 2, message: "events journaled");

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Start("second");
        var recovered = _coordinator.FishForMessage<PeerReport>(r => r.Epoch is not null);
        Assert.Equal((B.Epoch, H(5), PeerPhase.Disconnected), (recovered.Epoch!.Value, recovered.Status.Acknowledged[B], recovered.Status.Phase));
    }

    [Fact]
    public async Task PeerSyncActor_reports_the_lag_from_when_it_saw_a_change_pending_when_the_peer_never_acknowledged_its_origin()
    {
        // Before: head minus a zero acknowledgement, about 1.7e12 ms for a wall-clock HLC.
        await _store.OpenAsync(Node("a"), new DataEpoch(0xA));
        var time = new SyncTime(TimeProvider.System, TimeProvider.System);
        var actor = Start("lag", time);
        _coordinator.ExpectMsg<PeerReport>();
        var beforeMs = time.NowMs();
        var local = new LocalSyncState(A.Epoch, A, Watermarks.Empty.With(A, H(1_700_000_000_000)), Watermarks.Empty, false);
        actor.Tell(new StartPeerSession(_peerRun, _remote.Ref, new PeerConnected(Session, local)));
        actor.Tell(new StepPeer(new HelloReceived(Session, new SyncHello(B.Epoch, Watermarks.Empty, Watermarks.Empty, false, 0, false))));

        var report = _coordinator.FishForMessage<PeerReport>(r => r.Status.PendingSinceMs is not null);
        var afterMs = time.NowMs();
        Assert.Equal([A], report.Status.PendingOrigins);
        Assert.InRange(report.Status.PendingSinceMs!.Value, beforeMs, afterMs);
        Assert.InRange(report.Status.LagMs, 0, afterMs - beforeMs);
    }

    [Fact]
    public async Task PeerSyncActor_retired_then_revived_keeps_the_peers_epoch_but_not_its_acknowledgements()
    {
        await _store.OpenAsync(Node("a"), new DataEpoch(0xA));
        var actor = Start("peer");
        _coordinator.ExpectMsg<PeerReport>();
        actor.Tell(new StartPeerSession(_peerRun, _remote.Ref, new PeerConnected(Session, new LocalSyncState(A.Epoch, A, Watermarks.Empty, Watermarks.Empty, false))));
        actor.Tell(new StepPeer(new HelloReceived(Session, new SyncHello(B.Epoch, Watermarks.Empty.With(B, H(5)), Watermarks.Empty, false, 0, false))));
        _coordinator.FishForMessage<PeerReport>(r => r.Status.Phase == PeerPhase.Active);

        actor.Tell(new StepPeer(new RetireRequested()));
        Assert.True(_coordinator.FishForMessage<PeerReport>(r => r.Retired).RetiredAtMs > 0);
        actor.Tell(RevivePeer.Instance);

        var revived = _coordinator.FishForMessage<PeerReport>(r => !r.Retired);
        Assert.Equal(B.Epoch, revived.Epoch);
        Assert.Equal(Watermarks.Empty, revived.Status.Acknowledged);
        Assert.Contains(Logs.Entries, e => e.Message.Contains("joined again after its removal", StringComparison.Ordinal));
    }

    private IActorRef Start(string name, SyncTime? time = null) =>
        Sys.ActorOf(PeerSyncActor.Props(PeerSyncConfig.Default, _self, Node("b"), 1, _store, _coordinator.Ref, time ?? new SyncTime(TimeProvider.System, TimeProvider.System), null), name);
}
