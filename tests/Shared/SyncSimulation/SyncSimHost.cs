using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>
/// The sync half of one simulated node: the real sync machines (batcher, a PeerSyncMachine per peer,
/// backfill, anti-entropy) over an in-memory record store, hosted as the SyncCoordinator and its
/// actors host them (docs/design/sync.md, "Host wiring"): translate, step, carry out the ready
/// outputs. The store completes synchronously, so a whole cluster runs on one thread. Shared by the
/// sync-only simulation (PeerSync.Sync.Tests, a static member list) and the whole-cluster one
/// (PeerSync.Simulation.Tests, peers driven by member events); what differs between them (the
/// network, tracing, who the peers are, the invariant checks) is the abstract and virtual members.
/// </summary>
internal abstract partial class SyncSimHost
{
    private readonly IDictionary<NodeId, PeerSyncMachine> _peers;
    private readonly IReadOnlyDictionary<NodeId, PeerSyncMachine> _peersView;
    private readonly Dictionary<NodeId, SyncSessionId> _sessions = [];
    private readonly Dictionary<NodeId, bool> _peerBackfilling = [];
    private readonly Dictionary<long, IReadOnlyList<CollectionRepair>> _pendingRepairs = [];
    private IRecordStore? _store;
    private HybridLogicalClock _clock = null!;
    private BatcherMachine _batcher = null!;
    private BackfillMachine _backfill = null!;
    private AntiEntropyMachine _antiEntropy = null!;
    private long _nextPruneMs;

    /// <param name="peersInIdOrder">
    /// True steps the peer machines in node id order, false in the order they were added. Either is
    /// deterministic; each simulation keeps the order its recorded seeds were made with.
    /// </param>
    protected SyncSimHost(bool peersInIdOrder)
    {
        if (peersInIdOrder)
        {
            var sorted = new SortedDictionary<NodeId, PeerSyncMachine>();
            (_peers, _peersView) = (sorted, sorted);
        }
        else
        {
            var inserted = new Dictionary<NodeId, PeerSyncMachine>();
            (_peers, _peersView) = (inserted, inserted);
        }
    }

    public abstract NodeId Id { get; }

    /// <summary>The persisted events of each peer's PeerSyncMachine (its journal); survives a crash.</summary>
    public abstract Dictionary<NodeId, List<PeerSyncEvent>> Journals { get; }

    public bool IsUp => _store is not null;

    public IRecordStore Store => _store ?? throw new InvalidOperationException($"{Id} is down");

    public HybridLogicalClock Clock => _clock;

    public BackfillMachine Backfill => _backfill;

    public OriginId SelfOrigin { get; private set; }

    public IReadOnlyDictionary<NodeId, PeerSyncMachine> Peers => _peersView;

    public long ClockRejections { get; private set; }

    public long RepairsApplied { get; private set; }

    public long BufferOverflows { get; private set; }

    public long ChangesReceived { get; private set; }

    public long PageRequests { get; private set; }

    public long PagesApplied { get; private set; }

    protected abstract SyncConfig Config { get; }

    /// <summary>This node's physical clock at the simulation's <paramref name="nowMs"/> (its skew applied).</summary>
    protected abstract long PhysicalMs(long nowMs);

    /// <summary>The seed of this node's PeerSyncMachine for <paramref name="peer"/>.</summary>
    protected abstract ulong SeedFor(NodeId peer);

    protected abstract void Trace(string line);

    /// <summary>Puts a message on the simulated network, on the given session with <paramref name="to"/>.</summary>
    protected abstract void Transmit(NodeId to, SyncSessionId session, SyncInbound message, long nowMs);

    /// <summary>The host's answer to a stalled peer: close the link; it reconnects with a new session.</summary>
    protected abstract void RequestReconnect(NodeId peer, long nowMs);

    /// <summary>Checks a prune just made; <paramref name="floorsBefore"/> are the floors before it.</summary>
    protected abstract void AfterPrune(Watermarks floorsBefore);

    protected virtual bool AntiEntropyEnabled => true;

    /// <summary>Whether a client write may be taken now (besides the backfill being ready).</summary>
    protected virtual bool MayWrite => true;

    protected virtual bool MayPrune => true;

    /// <summary>Every HLC this node issues (writes and seals) goes through here.</summary>
    protected virtual Hlc Issue(long nowMs) => _clock.Now(PhysicalMs(nowMs));

    protected virtual void AfterWrite(RecordVersion written, Hlc issued)
    {
    }

    protected virtual void AfterSeal(Hlc seal)
    {
    }

    /// <summary>Called on every tick of a running node, before its outputs are carried out.</summary>
    protected virtual void OnTick(long nowMs)
    {
    }

    /// <summary>Called after every snapshot page this node applies (crash injection).</summary>
    protected virtual void AfterPageApplied()
    {
    }

    /// <summary>A boot: opens the store and builds the machines from what it holds, with no peers yet.</summary>
    protected void Open(InMemoryStorage storage, ulong epochSeed, long nowMs)
    {
        _store = RecordStores.InMemory(storage);
        var progress = Sim.Run(_store.OpenAsync(Id, new DataEpoch(epochSeed)));
        SelfOrigin = progress.Self;
        _clock = new HybridLogicalClock(Config.Clock);
        _clock.Recover(progress.HlcHigh);
        _batcher = new BatcherMachine(Config.Batcher, progress.Self, progress.Applied[progress.Self], nowMs);
        _backfill = new BackfillMachine(Config.Backfill, progress, nowMs);
        _antiEntropy = new AntiEntropyMachine(Config.AntiEntropy, nowMs);
        _peers.Clear();
        _sessions.Clear();
        _peerBackfilling.Clear();
        _pendingRepairs.Clear();
        _nextPruneMs = nowMs + 1000;
    }

    /// <summary>Abrupt stop: everything in memory is lost; the storage and the journals stay.</summary>
    public virtual void Crash()
    {
        _store = null;
        _peers.Clear();
        _sessions.Clear();
        _peerBackfilling.Clear();
        _pendingRepairs.Clear();
    }

    /// <summary>
    /// A machine for <paramref name="peer"/>, recovered from its journal. With
    /// <paramref name="freshIfRetired"/>, a journal that says retired (the member was removed and
    /// joined again) is replaced by a fresh one, so that its old acknowledgements cannot count.
    /// </summary>
    protected PeerSyncMachine AddPeer(NodeId peer, bool freshIfRetired)
    {
        if (!Journals.TryGetValue(peer, out var journal))
        {
            Journals[peer] = journal = [];
        }

        var machine = PeerSyncMachine.Recover(Config.Peer, Id, peer, SeedFor(peer), journal);
        if (machine.IsRetired && freshIfRetired)
        {
            Journals[peer] = journal = [];
            machine = PeerSyncMachine.Recover(Config.Peer, Id, peer, SeedFor(peer), journal);
        }

        _peers[peer] = machine;
        return machine;
    }

    /// <summary>
    /// Journals of nodes that are no longer members (removed while this node was down): recovered and
    /// retired, so that their origins keep holding tombstones back for the retention. Returns the
    /// peers retired now (the others had retired before).
    /// </summary>
    protected List<NodeId> RetireJournaled(IEnumerable<NodeId> gone, long nowMs)
    {
        var retired = new List<NodeId>();
        foreach (var peer in gone)
        {
            var machine = PeerSyncMachine.Recover(Config.Peer, Id, peer, SeedFor(peer), Journals[peer]);
            _peers[peer] = machine;
            if (!machine.IsRetired)
            {
                machine.Step(new RetireRequested(), nowMs);
                retired.Add(peer);
            }
        }

        return retired;
    }

    protected void RemovePeer(NodeId peer) => _peers.Remove(peer);

    public LocalSyncState LocalState()
    {
        var progress = Sim.Run(Store.ReadProgressAsync());
        return new LocalSyncState(progress.Epoch, progress.Self, progress.Applied, progress.Floors, _backfill.Phase == BackfillPhase.Backfilling);
    }

    public virtual void Connected(NodeId peer, SyncSessionId session, long nowMs)
    {
        _sessions[peer] = session;
        _peers[peer].Step(new PeerConnected(session, LocalState()), nowMs);
        _backfill.Step(new BackfillPeerAvailable(peer), nowMs);
        Drain(nowMs);
    }

    public void Disconnected(NodeId peer, long nowMs)
    {
        _sessions.Remove(peer);
        if (_peers.TryGetValue(peer, out var machine))
        {
            machine.Step(new PeerDisconnected(), nowMs);
        }

        _backfill.Step(new BackfillPeerUnavailable(peer), nowMs);
        _antiEntropy.Step(new AntiEntropyPeerUnavailable(peer), nowMs);
        Drain(nowMs);
    }
}
