using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>
/// One simulated node of the sync-only simulation: the shared <see cref="SyncSimHost"/> with a static
/// member list (<see cref="SimCluster"/> adds and removes members by script), the cluster's seeded
/// network and its trace. What survives a crash: <see cref="Storage"/> and
/// <see cref="SyncSimHost.Journals"/> (the durable parts).
/// </summary>
internal sealed class SimNode : SyncSimHost
{
    private readonly SimCluster _cluster;
    private readonly SyncConfig _config;
    private Dictionary<NodeId, List<PeerSyncEvent>> _journals = [];
    private ulong _epochSeed;

    public SimNode(SimCluster cluster, NodeId id, SyncConfig config, ulong epochSeed)
        : base(peersInIdOrder: false)
    {
        _cluster = cluster;
        Id = id;
        _config = config;
        _epochSeed = epochSeed;
    }

    public override NodeId Id { get; }

    public InMemoryStorage Storage { get; private set; } = new();

    public override Dictionary<NodeId, List<PeerSyncEvent>> Journals => _journals;

    public long ClockSkewMs { get; set; }

    /// <summary>The highest HLC of an acknowledged write (each must be above the one before).</summary>
    public Hlc MaxIssued { get; private set; }

    protected override SyncConfig Config => _config;

    protected override bool AntiEntropyEnabled => _cluster.AntiEntropyEnabled;

    protected override long PhysicalMs(long nowMs) => nowMs + ClockSkewMs;

    protected override ulong SeedFor(NodeId peer) => _cluster.SeedFor(Id, peer);

    protected override void Trace(string line) => _cluster.Trace(line);

    protected override void Transmit(NodeId to, SyncSessionId session, SyncInbound message, long nowMs) =>
        _cluster.Network.Send(Id, to, session, message, nowMs);

    protected override void RequestReconnect(NodeId peer, long nowMs) => _cluster.RequestReconnect(Id, peer, nowMs);

    protected override void AfterPrune(Watermarks floorsBefore) => _cluster.CheckPruningSafety(this, floorsBefore);

    protected override void AfterPageApplied() => _cluster.AfterPageApplied(this);

    protected override void AfterWrite(RecordVersion written, Hlc issued)
    {
        if (issued <= MaxIssued)
        {
            throw new InvalidOperationException($"{Id}: HLC went backwards ({issued} after {MaxIssued})");
        }

        MaxIssued = issued;
    }

    public void Start(long nowMs)
    {
        Open(Storage, _epochSeed, nowMs);
        foreach (var member in _cluster.MembersOf(Id))
        {
            EnsurePeer(member);
        }

        RetireJournaled(Journals.Keys.Where(p => !_cluster.IsMember(p)).ToList(), nowMs);
        Drain(nowMs);
    }

    /// <summary>The data dir is wiped: a new store (new data epoch) and no journals.</summary>
    public void Wipe(ulong newEpochSeed)
    {
        Crash();
        Storage = new InMemoryStorage();
        _journals = [];
        _epochSeed = newEpochSeed;
    }

    /// <summary>A machine for the peer unless it has one; a fresh one if its journal says retired and it is a member again.</summary>
    public void EnsurePeer(NodeId peer)
    {
        if (!Peers.ContainsKey(peer))
        {
            AddPeer(peer, freshIfRetired: _cluster.IsMember(peer));
        }
    }

    /// <summary>MemberRemoved: the peer's machine retires (journaled); a later rejoin starts a fresh one.</summary>
    public void RetirePeer(NodeId peer, long nowMs)
    {
        if (Peers.TryGetValue(peer, out var machine))
        {
            machine.Step(new RetireRequested(), nowMs);
            Drain(nowMs);
        }
    }

    public void ForgetRetiredPeer(NodeId peer)
    {
        if (Journals.TryGetValue(peer, out var journal) && journal.OfType<PeerRetired>().Any())
        {
            RemovePeer(peer);
            Journals.Remove(peer);
        }
    }

    public override void Connected(NodeId peer, SyncSessionId session, long nowMs)
    {
        EnsurePeer(peer);
        base.Connected(peer, session, nowMs);
    }
}
