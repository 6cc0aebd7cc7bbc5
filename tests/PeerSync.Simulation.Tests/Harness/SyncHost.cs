using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The sync half of one simulated process: the real sync machines over the in-memory store of its
/// <see cref="SimDisk"/>, hosted as the SyncCoordinator and its actors host them (docs/design/sync.md,
/// "Host wiring"; adapted from the sync simulation in PeerSync.Sync.Tests, with peers driven by
/// member events instead of a static member list). Peer machines are keyed by node id; each
/// remembers which incarnation it serves, so that the removal of an old incarnation, arriving after
/// the new one is Up, does not retire the machine the new one uses.
/// </summary>
internal sealed partial class SyncHost
{
    private readonly SimWorld _world;
    private readonly SimProcess _process;
    private readonly SortedDictionary<NodeId, PeerSyncMachine> _peers = [];
    private readonly Dictionary<NodeId, UniqueNode> _serving = [];
    private readonly Dictionary<NodeId, SyncSessionId> _sessions = [];
    private readonly Dictionary<NodeId, bool> _peerBackfilling = [];
    private readonly Dictionary<long, IReadOnlyList<CollectionRepair>> _pendingRepairs = [];
    private IRecordStore? _store;
    private HybridLogicalClock _clock = null!;
    private BatcherMachine _batcher = null!;
    private BackfillMachine _backfill = null!;
    private AntiEntropyMachine _antiEntropy = null!;
    private long _nextPruneMs;
    private long _nextScanMs;

    public SyncHost(SimWorld world, SimProcess process)
    {
        _world = world;
        _process = process;
    }

    private NodeId Id => _process.Id;

    private Dictionary<NodeId, List<PeerSyncEvent>> Journals => _process.Disk.Journals;

    public bool IsUp => _store is not null;

    public IRecordStore Store => _store ?? throw new InvalidOperationException($"{Id} is down");

    public HybridLogicalClock Clock => _clock;

    public BackfillMachine Backfill => _backfill;

    public OriginId SelfOrigin { get; private set; }

    public IReadOnlyDictionary<NodeId, PeerSyncMachine> Peers => _peers;

    public long PagesApplied { get; private set; }

    private long PhysicalMs(long nowMs) => nowMs + _process.SkewMs;

    private ulong SeedFor(NodeId peer) => _world.Seed ^ Sim.StableHash(Id.Value + "/" + peer.Value);

    public void Start(long nowMs)
    {
        _store = RecordStores.InMemory(_process.Disk.Storage);
        var progress = Sim.Run(_store.OpenAsync(Id, new DataEpoch(_process.Disk.EpochSeed)));
        SelfOrigin = progress.Self;
        _clock = new HybridLogicalClock(_world.Settings.Sync.Clock);
        _clock.Recover(progress.HlcHigh);
        _batcher = new BatcherMachine(_world.Settings.Sync.Batcher, progress.Self, progress.Applied[progress.Self], nowMs);
        _backfill = new BackfillMachine(_world.Settings.Sync.Backfill, progress, nowMs);
        _antiEntropy = new AntiEntropyMachine(_world.Settings.Sync.AntiEntropy, nowMs);
        _peers.Clear();
        _serving.Clear();
        _sessions.Clear();
        _peerBackfilling.Clear();
        _pendingRepairs.Clear();
        _nextPruneMs = nowMs + 1000;
        _nextScanMs = nowMs + 1000;
        Drain(nowMs);
    }

    public void Crash()
    {
        _store = null;
        _peers.Clear();
        _serving.Clear();
        _sessions.Clear();
        _peerBackfilling.Clear();
        _pendingRepairs.Clear();
    }

    public bool HasLivePeer(NodeId peer) => _peers.TryGetValue(peer, out var machine) && !machine.IsRetired;

    /// <summary>MemberUp: a machine for the member (a fresh one, with a fresh journal, if its old one retired).</summary>
    public void MemberUp(UniqueNode member, long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        _serving[member.Id] = member;
        if (_peers.TryGetValue(member.Id, out var existing) && !existing.IsRetired)
        {
            return;
        }

        if (!Journals.TryGetValue(member.Id, out var journal))
        {
            Journals[member.Id] = journal = [];
        }

        var machine = PeerSyncMachine.Recover(_world.Settings.Sync.Peer, Id, member.Id, SeedFor(member.Id), journal);
        if (machine.IsRetired)
        {
            Journals[member.Id] = journal = [];
            machine = PeerSyncMachine.Recover(_world.Settings.Sync.Peer, Id, member.Id, SeedFor(member.Id), journal);
        }

        _peers[member.Id] = machine;
        _world.Trace($"{Id} sync peer {SimProcess.Format(member)} created (journal {journal.Count} events)");
        Drain(nowMs);
    }

    /// <summary>MemberRemoved: the machine retires (journaled) unless it already serves a newer incarnation.</summary>
    public void MemberRemoved(UniqueNode member, long nowMs)
    {
        if (!IsUp || !_peers.TryGetValue(member.Id, out var machine) || machine.IsRetired)
        {
            return;
        }

        if (_serving.TryGetValue(member.Id, out var serving) && serving != member)
        {
            _world.Trace($"{Id} sync peer {member.Id} kept: removal of {SimProcess.Format(member)}, serving {SimProcess.Format(serving)}");
            return;
        }

        machine.Step(new RetireRequested(), nowMs);
        _world.Trace($"{Id} sync peer {SimProcess.Format(member)} retired");
        Drain(nowMs);
    }

    /// <summary>The first membership this boot knows: journals of non-members are recovered and retired.</summary>
    public void JoinedCluster(IReadOnlySet<NodeId> members, long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        foreach (var gone in Journals.Keys.Where(p => !members.Contains(p) && !_peers.ContainsKey(p)).Order().ToList())
        {
            var machine = PeerSyncMachine.Recover(_world.Settings.Sync.Peer, Id, gone, SeedFor(gone), Journals[gone]);
            _peers[gone] = machine;
            if (!machine.IsRetired)
            {
                machine.Step(new RetireRequested(), nowMs);
                _world.Trace($"{Id} sync peer {gone} retired at start (not a member)");
            }
        }

        Drain(nowMs);
    }

    public void LeaderChanged(NodeId? leader, long nowMs)
    {
        if (IsUp)
        {
            _backfill.Step(new BackfillLeaderChanged(leader), nowMs);
            Drain(nowMs);
        }
    }

    public LocalSyncState LocalState()
    {
        var progress = Sim.Run(Store.ReadProgressAsync());
        return new LocalSyncState(progress.Epoch, progress.Self, progress.Applied, progress.Floors, _backfill.Phase == BackfillPhase.Backfilling);
    }

    public void Connected(NodeId peer, SyncSessionId session, long nowMs)
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

    /// <summary>Every HLC this node issues goes through here, so the monotonic check sees them all.</summary>
    private Hlc Issue(long nowMs)
    {
        var hlc = _clock.Now(PhysicalMs(nowMs));
        _world.Checks.Issued(_process, hlc);
        return hlc;
    }

    /// <summary>A client write; null when refused (not an Up member, not ready, not the owner).</summary>
    public RecordVersion? Write(CollectionName collection, RecordKey key, string? value, long nowMs)
    {
        if (!IsUp || !_process.IsUpMember || !_backfill.IsReady)
        {
            return null;
        }

        var kind = _world.Settings.Sync.Catalog.KindOf(collection);
        var outcome = Sim.Run(Store.WriteLocalAsync([new LocalWrite(collection, key, kind, value, Issue(nowMs))]))[0];
        if (!outcome.IsWritten)
        {
            return null;
        }

        _world.Checks.Persisted(_process, outcome.Written!.Stamp.Hlc);

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
            var seal = Issue(nowMs);
            Sim.Run(Store.SealAsync(seal));
            _world.Checks.Persisted(_process, seal);
            _batcher.Sealed(seal, nowMs);
        }

        foreach (var peer in _peers.Values)
        {
            peer.Step(new PeerTick(), nowMs);
        }

        _backfill.Step(new BackfillTick(), nowMs);
        _antiEntropy.Step(new AntiEntropyTick(), nowMs);
        if (nowMs >= _nextPruneMs)
        {
            _nextPruneMs = nowMs + 1000;
            Prune(nowMs);
        }

        if (nowMs >= _nextScanMs)
        {
            _nextScanMs = nowMs + 1000;
            _world.Checks.ScanRecords(_process);
        }

        Drain(nowMs);
    }

    /// <summary>
    /// Pruning plans from live and retired machines, only once this boot knows the membership: before
    /// that no machine holds pruning back, and a plan would drop what absent peers still need.
    /// </summary>
    private void Prune(long nowMs)
    {
        if (!_process.IsUpMember)
        {
            return;
        }

        var live = _peers.Values.Where(p => !p.IsRetired)
            .Select(p => new PeerAcknowledgement(p.Peer, p.PeerEpoch, p.Acknowledged)).ToList();
        var retired = _peers.Values.Where(p => p.IsRetired)
            .Select(p => new RetiredPeer(p.Peer, p.PeerEpoch, p.RetiredAtMs)).ToList();
        var progress = Sim.Run(Store.ReadProgressAsync());
        var plan = PruningCalculator.Plan(progress.Self, progress.Applied, live, retired, nowMs, _world.Settings.Sync.Pruning.RetiredOriginRetentionMs);
        Sim.Run(Store.PruneAsync(plan));
        _world.Checks.AfterPrune(_process, progress.Floors);
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
