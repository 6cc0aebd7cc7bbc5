using PeerSync.Remote.Addressing;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The sync half of one simulated process: the shared <see cref="SyncSimHost"/> over the in-memory
/// store of its <see cref="SimDisk"/>, with peers driven by member events (docs/design/simulation.md,
/// "Host wiring"). Peer machines are keyed by node id; each remembers which incarnation it serves,
/// so that the removal of an old incarnation, arriving after the new one is Up, does not retire the
/// machine the new one uses. The world's invariant checks see every HLC issued and persisted.
/// </summary>
internal sealed class SyncHost : SyncSimHost
{
    private readonly SimWorld _world;
    private readonly SimProcess _process;
    private readonly Dictionary<NodeId, UniqueNode> _serving = [];
    private long _nextScanMs;

    public SyncHost(SimWorld world, SimProcess process)
        : base(peersInIdOrder: true)
    {
        _world = world;
        _process = process;
    }

    public override NodeId Id => _process.Id;

    public override Dictionary<NodeId, List<PeerSyncEvent>> Journals => _process.Disk.Journals;

    protected override SyncConfig Config => _world.Settings.Sync;

    /// <summary>Writes only on an Up member.</summary>
    protected override bool MayWrite => IsUp && _process.IsUpMember;

    /// <summary>
    /// Pruning only once this boot knows the membership: before that no machine holds pruning back,
    /// and a plan would drop what absent peers still need.
    /// </summary>
    protected override bool MayPrune => _process.IsUpMember;

    protected override long PhysicalMs(long nowMs) => nowMs + _process.SkewMs;

    protected override ulong SeedFor(NodeId peer) => _world.Seed ^ Sim.StableHash(Id.Value + "/" + peer.Value);

    protected override void Trace(string line) => _world.Trace(line);

    protected override void Transmit(NodeId to, SyncSessionId session, SyncInbound message, long nowMs) =>
        _world.SendSync(Id, to, session, message);

    protected override void RequestReconnect(NodeId peer, long nowMs) => _world.RequestReconnect(Id, peer);

    protected override void AfterPrune(Watermarks floorsBefore) => _world.Checks.AfterPrune(_process, floorsBefore);

    protected override Hlc Issue(long nowMs)
    {
        var hlc = base.Issue(nowMs);
        _world.Checks.Issued(_process, hlc);
        return hlc;
    }

    protected override void AfterWrite(RecordVersion written, Hlc issued) => _world.Checks.Persisted(_process, written.Stamp.Hlc);

    protected override void AfterSeal(Hlc seal) => _world.Checks.Persisted(_process, seal);

    protected override void OnTick(long nowMs)
    {
        if (nowMs >= _nextScanMs)
        {
            _nextScanMs = nowMs + 1000;
            _world.Checks.ScanRecords(_process);
        }
    }

    public void Start(long nowMs)
    {
        Open(_process.Disk.Storage, _process.Disk.EpochSeed, nowMs);
        _serving.Clear();
        _nextScanMs = nowMs + 1000;
        Drain(nowMs);
    }

    public override void Crash()
    {
        base.Crash();
        _serving.Clear();
    }

    public bool HasLivePeer(NodeId peer) => Peers.TryGetValue(peer, out var machine) && !machine.IsRetired;

    /// <summary>MemberUp: a machine for the member (a fresh one, with a fresh journal, if its old one retired).</summary>
    public void MemberUp(UniqueNode member, long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        _serving[member.Id] = member;
        if (HasLivePeer(member.Id))
        {
            return;
        }

        AddPeer(member.Id, freshIfRetired: true);
        Trace($"{Id} sync peer {SimProcess.Format(member)} created (journal {Journals[member.Id].Count} events)");
        Drain(nowMs);
    }

    /// <summary>MemberRemoved: the machine retires (journaled) unless it already serves a newer incarnation.</summary>
    public void MemberRemoved(UniqueNode member, long nowMs)
    {
        if (!IsUp || !Peers.TryGetValue(member.Id, out var machine) || machine.IsRetired)
        {
            return;
        }

        if (_serving.TryGetValue(member.Id, out var serving) && serving != member)
        {
            Trace($"{Id} sync peer {member.Id} kept: removal of {SimProcess.Format(member)}, serving {SimProcess.Format(serving)}");
            return;
        }

        machine.Step(new RetireRequested(), nowMs);
        Trace($"{Id} sync peer {SimProcess.Format(member)} retired");
        Drain(nowMs);
    }

    /// <summary>The first membership this boot knows: journals of non-members are recovered and retired.</summary>
    public void JoinedCluster(IReadOnlySet<NodeId> members, long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        var gone = Journals.Keys.Where(p => !members.Contains(p) && !Peers.ContainsKey(p)).Order().ToList();
        foreach (var peer in RetireJournaled(gone, nowMs))
        {
            Trace($"{Id} sync peer {peer} retired at start (not a member)");
        }

        Drain(nowMs);
    }

    public void LeaderChanged(NodeId? leader, long nowMs)
    {
        if (IsUp)
        {
            Backfill.Step(new BackfillLeaderChanged(leader), nowMs);
            Drain(nowMs);
        }
    }
}
