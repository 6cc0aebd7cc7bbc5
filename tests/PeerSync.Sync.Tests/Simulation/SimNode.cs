using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>
/// One simulated node: the real machines and an in-memory record store, hosted the way the
/// SyncCoordinator and its actors will host them (translate, step, carry out the ready outputs).
/// The store completes synchronously in memory, so the whole cluster runs on one thread.
/// What survives a crash: <see cref="Storage"/> and <see cref="Journals"/> (the durable parts).
/// </summary>
internal sealed partial class SimNode
{
    private readonly SimCluster _cluster;
    private readonly SyncConfig _config;
    private readonly Dictionary<NodeId, PeerSyncMachine> _peers = [];
    private readonly Dictionary<NodeId, SyncSessionId> _sessions = [];
    private readonly Dictionary<NodeId, bool> _peerBackfilling = [];
    private readonly Dictionary<long, IReadOnlyList<CollectionRepair>> _pendingRepairs = [];
    private IRecordStore? _store;
    private HybridLogicalClock _clock = null!;
    private BatcherMachine _batcher = null!;
    private BackfillMachine _backfill = null!;
    private AntiEntropyMachine _antiEntropy = null!;
    private long _nextPruneMs;
    private ulong _epochSeed;

    public SimNode(SimCluster cluster, NodeId id, SyncConfig config, ulong epochSeed)
    {
        _cluster = cluster;
        Id = id;
        _config = config;
        _epochSeed = epochSeed;
    }

    public NodeId Id { get; }

    public InMemoryStorage Storage { get; private set; } = new();

    /// <summary>The persisted events of each PeerSyncMachine (its journal).</summary>
    public Dictionary<NodeId, List<PeerSyncEvent>> Journals { get; private set; } = [];

    public bool IsUp => _store is not null;

    public long ClockSkewMs { get; set; }

    public IRecordStore Store => _store ?? throw new InvalidOperationException($"{Id} is down");

    public HybridLogicalClock Clock => _clock;

    public BackfillMachine Backfill => _backfill;

    public OriginId SelfOrigin { get; private set; }

    public IReadOnlyDictionary<NodeId, PeerSyncMachine> Peers => _peers;

    public long ClockRejections { get; private set; }

    public long RepairsApplied { get; private set; }

    public long BufferOverflows { get; private set; }

    public long ChangesReceived { get; private set; }

    public long PageRequests { get; private set; }

    public Hlc MaxIssued { get; private set; }

    private long PhysicalMs(long nowMs) => nowMs + ClockSkewMs;

    public void Start(long nowMs)
    {
        _store = RecordStores.InMemory(Storage);
        var progress = Sim.Run(_store.OpenAsync(Id, new DataEpoch(_epochSeed)));
        SelfOrigin = progress.Self;
        _clock = new HybridLogicalClock(_config.Clock);
        _clock.Recover(progress.HlcHigh);
        _batcher = new BatcherMachine(_config.Batcher, progress.Self, progress.Applied[progress.Self], nowMs);
        _backfill = new BackfillMachine(_config.Backfill, progress, nowMs);
        _antiEntropy = new AntiEntropyMachine(_config.AntiEntropy, nowMs);
        _peers.Clear();
        _sessions.Clear();
        foreach (var member in _cluster.MembersOf(Id))
        {
            EnsurePeer(member);
        }

        // A journal of a node that is no longer a member: it was removed while this node was down.
        // Recover and retire it, so its origin keeps holding tombstones back for the retention.
        foreach (var gone in Journals.Keys.Where(p => !_cluster.IsMember(p)).ToList())
        {
            var machine = PeerSyncMachine.Recover(_config.Peer, Id, gone, _cluster.SeedFor(Id, gone), Journals[gone]);
            _peers[gone] = machine;
            if (!machine.IsRetired)
            {
                machine.Step(new RetireRequested(), nowMs);
            }
        }

        _nextPruneMs = nowMs + 1000;
        Drain(nowMs);
    }

    /// <summary>Abrupt stop: everything in memory is lost; storage and journals stay.</summary>
    public void Crash()
    {
        _store = null;
        _peers.Clear();
        _sessions.Clear();
        _peerBackfilling.Clear();
        _pendingRepairs.Clear();
    }

    /// <summary>The data dir is wiped: a new store (new data epoch) and no journals.</summary>
    public void Wipe(ulong newEpochSeed)
    {
        Crash();
        Storage = new InMemoryStorage();
        Journals = [];
        _epochSeed = newEpochSeed;
    }

    public void EnsurePeer(NodeId peer)
    {
        if (_peers.ContainsKey(peer))
        {
            return;
        }

        if (!Journals.TryGetValue(peer, out var journal))
        {
            Journals[peer] = journal = [];
        }

        var machine = PeerSyncMachine.Recover(_config.Peer, Id, peer, _cluster.SeedFor(Id, peer), journal);
        if (machine.IsRetired && _cluster.IsMember(peer))
        {
            // MemberUp for a member whose machine retired (it was removed and joined again): a fresh
            // machine with a fresh journal, so its old acknowledgements cannot count.
            Journals[peer] = journal = [];
            machine = PeerSyncMachine.Recover(_config.Peer, Id, peer, _cluster.SeedFor(Id, peer), journal);
        }

        _peers[peer] = machine;
    }

    /// <summary>MemberRemoved: the peer's machine retires (journaled); a later rejoin starts a fresh one.</summary>
    public void RetirePeer(NodeId peer, long nowMs)
    {
        if (_peers.TryGetValue(peer, out var machine))
        {
            machine.Step(new RetireRequested(), nowMs);
            Drain(nowMs);
        }
    }

    public void ForgetRetiredPeer(NodeId peer)
    {
        if (Journals.TryGetValue(peer, out var journal) && journal.OfType<PeerRetired>().Any())
        {
            _peers.Remove(peer);
            Journals.Remove(peer);
        }
    }

    public LocalSyncState LocalState()
    {
        var progress = Sim.Run(Store.ReadProgressAsync());
        return new LocalSyncState(progress.Epoch, progress.Self, progress.Applied, progress.Floors, _backfill.Phase == BackfillPhase.Backfilling);
    }

    public void Connected(NodeId peer, SyncSessionId session, long nowMs)
    {
        EnsurePeer(peer);
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

    /// <summary>A client write; false when refused (not ready, not the owner).</summary>
    public RecordVersion? Write(CollectionName collection, RecordKey key, string? value, long nowMs)
    {
        if (!_backfill.IsReady)
        {
            return null;
        }

        var kind = _config.Catalog.KindOf(collection);
        var hlc = _clock.Now(PhysicalMs(nowMs));
        var outcome = Sim.Run(Store.WriteLocalAsync([new LocalWrite(collection, key, kind, value, hlc)]))[0];
        if (!outcome.IsWritten)
        {
            return null;
        }

        if (hlc <= MaxIssued)
        {
            throw new InvalidOperationException($"{Id}: HLC went backwards ({hlc} after {MaxIssued})");
        }

        MaxIssued = hlc;
        _batcher.Add(outcome.Written!, nowMs);
        Drain(nowMs);
        return outcome.Written;
    }

    public void Tick(long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        _batcher.Tick(nowMs);
        if (_batcher.SealRequested && _backfill.MaySeal)
        {
            var seal = _clock.Now(PhysicalMs(nowMs));
            Sim.Run(Store.SealAsync(seal));
            _batcher.Sealed(seal, nowMs);
        }

        foreach (var peer in _peers.Values)
        {
            peer.Step(new PeerTick(), nowMs);
        }

        _backfill.Step(new BackfillTick(), nowMs);
        if (_cluster.AntiEntropyEnabled)
        {
            _antiEntropy.Step(new AntiEntropyTick(), nowMs);
        }

        if (nowMs >= _nextPruneMs)
        {
            _nextPruneMs = nowMs + 1000;
            Prune(nowMs);
        }

        Drain(nowMs);
    }

    public void Prune(long nowMs)
    {
        var live = _peers.Values.Where(p => !p.IsRetired)
            .Select(p => new PeerAcknowledgement(p.Peer, p.PeerEpoch, p.Acknowledged)).ToList();
        var retired = _peers.Values.Where(p => p.IsRetired)
            .Select(p => new RetiredPeer(p.Peer, p.PeerEpoch, p.RetiredAtMs)).ToList();
        var progress = Sim.Run(Store.ReadProgressAsync());
        var plan = PruningCalculator.Plan(progress.Self, progress.Applied, live, retired, nowMs, _config.Pruning.RetiredOriginRetentionMs);
        Sim.Run(Store.PruneAsync(plan));
        _cluster.CheckPruningSafety(this, progress.Floors);
        ProgressChanged(nowMs);
    }

    private void ProgressChanged(long nowMs)
    {
        var progress = Sim.Run(Store.ReadProgressAsync());
        foreach (var peer in _peers.Values)
        {
            peer.Step(new LocalProgressChanged(progress.Applied, progress.Floors), nowMs);
        }

        _backfill.Step(new LocalAppliedChanged(progress.Applied), nowMs);
    }
}
