using PeerSync.Cluster.Election;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The safety invariants, checked as the run goes (each throws <see cref="SimFailure"/> at the step
/// that breaks it): at most one leader per epoch and no singleton start under another's live lease;
/// each node's HLC strictly increasing, across restarts too; pruning never raises a floor above what
/// a live member has applied; no node's version of a key ever goes backwards (so a deleted record
/// never resurrects and an acknowledged write is never replaced by an older one). The liveness and
/// end-state checks are in <see cref="SimChecks"/>' Quiescence part.
/// </summary>
internal sealed partial class SimChecks(SimWorld world)
{
    private readonly Dictionary<Epoch, UniqueNode> _leaders = [];
    private readonly Dictionary<NodeId, Hlc> _maxIssued = [];
    private readonly Dictionary<NodeId, Hlc> _maxDurable = [];
    private readonly Dictionary<NodeId, Dictionary<RecordCursor, VersionStamp>> _highest = [];
    private readonly SortedSet<RecordCursor> _keys = [];
    private readonly Dictionary<RecordCursor, List<RecordVersion>> _writesByKey = [];

    /// <summary>Every write a node acknowledged to its client, with the node that took it.</summary>
    public List<(NodeId Writer, RecordVersion Write)> AcknowledgedWrites { get; } = [];

    public IReadOnlyDictionary<Epoch, UniqueNode> LeadersByEpoch => _leaders;

    public long RecordScans { get; private set; }

    public long Prunes { get; private set; }

    public void AfterClusterStep(SimProcess process)
    {
        if (process.Machine?.Election is { } election && election.Role is ElectionRole.Leader or ElectionRole.SteppingDown)
        {
            var self = process.Incarnation;
            if (_leaders.TryGetValue(election.LeaderEpoch, out var existing) && existing != self)
            {
                throw world.Fail($"two leaders in epoch {election.LeaderEpoch}: {SimProcess.Format(existing)} and {SimProcess.Format(self)}");
            }

            _leaders[election.LeaderEpoch] = self;
        }
    }

    public void SingletonStarts(SimProcess process, Epoch epoch)
    {
        foreach (var other in world.Alive.Where(p => p != process && p.Machine?.Election is { Acting: true }))
        {
            var leaseEndGlobal = other.Machine!.Election!.LeaseExpiryMs - other.SkewMs;
            if (leaseEndGlobal > world.NowMs)
            {
                throw world.Fail($"{process.Id} starts the singleton for epoch {epoch} while {other.Id} holds a lease for {leaseEndGlobal - world.NowMs} ms more");
            }
        }
    }

    public void Issued(SimProcess process, Hlc hlc)
    {
        if (_maxIssued.TryGetValue(process.Id, out var max) && hlc <= max)
        {
            throw world.Fail($"{process.Id}: HLC went backwards: issued {hlc} after {max}");
        }

        _maxIssued[process.Id] = hlc;
    }

    /// <summary>An issued HLC that became durable (a write or a seal the store committed).</summary>
    public void Persisted(SimProcess process, Hlc hlc)
    {
        if (hlc > _maxDurable.GetValueOrDefault(process.Id))
        {
            _maxDurable[process.Id] = hlc;
        }
    }

    /// <summary>
    /// A restarted node's clock starts at or above every HLC it made durable before. (One it issued
    /// for a refused write was never seen by anyone, so the new boot may issue it again.)
    /// </summary>
    public void AfterStart(SimProcess process)
    {
        var durable = _maxDurable.GetValueOrDefault(process.Id);
        if (process.Sync.Clock.Last < durable)
        {
            throw world.Fail($"{process.Id}: restarted with its HLC at {process.Sync.Clock.Last}, below {durable} it wrote before");
        }

        _maxIssued[process.Id] = durable;
    }

    public void Acknowledged(SimProcess writer, RecordVersion write)
    {
        AcknowledgedWrites.Add((writer.Id, write));
        if (!_writesByKey.TryGetValue(write.Cursor, out var writes))
        {
            _writesByKey[write.Cursor] = writes = [];
        }

        writes.Add(write);
        _keys.Add(write.Cursor);
        Observe(writer.Id, write.Cursor, write.Stamp);
    }

    /// <summary>
    /// Pruning never drops what a live member still needs: each floor this prune raised is at or below
    /// what the pruner's machine for every live member (a member in the pruner's view whose machine is
    /// not retired) has had acknowledged, and at or below what that member, if running with the data
    /// epoch the machine knows, has really applied. The member's own origin is exempt (it never needs
    /// its own changes back).
    /// </summary>
    public void AfterPrune(SimProcess pruner, Watermarks floorsBefore)
    {
        Prunes++;
        var floors = pruner.Sync.LocalState().Floors.Where(f => f.Value > floorsBefore[f.Key]).ToList();
        if (floors.Count == 0)
        {
            return;
        }

        foreach (var member in pruner.Machine!.CurrentState.Members.Where(m => m.Id != pruner.Id))
        {
            var machine = pruner.Sync.Peers.GetValueOrDefault(member.Id);
            if (machine is null || machine.IsRetired)
            {
                continue;
            }

            foreach (var (origin, floor) in floors)
            {
                if (origin.Node != member.Id && machine.Acknowledged[origin] < floor)
                {
                    throw world.Fail($"{pruner.Id} pruned {origin} up to {floor} but live member {member.Id} acknowledged only {machine.Acknowledged[origin]}");
                }
            }

            var other = world.ProcessOf(member.Id);
            if (other is not { Alive: true } || !other.Sync.IsUp || machine.PeerEpoch != other.Sync.SelfOrigin.Epoch)
            {
                continue;
            }

            var applied = other.Sync.LocalState().Applied;
            foreach (var (origin, floor) in floors)
            {
                if (origin != other.Sync.SelfOrigin && applied[origin] < floor)
                {
                    throw world.Fail($"{pruner.Id} pruned {origin} up to {floor} but live member {member.Id} has applied only {applied[origin]}");
                }
            }
        }
    }

    /// <summary>
    /// No key's version on a node ever goes backwards (tombstones included; a pruned tombstone may
    /// leave the key absent), and no node holds a version older than an acknowledged write (or
    /// delete) that its applied watermarks say it has applied: that would be a lost write or a
    /// resurrected record, even on a node that never stored the tombstone (a snapshot carries
    /// deletes as absent-but-covered).
    /// </summary>
    public void ScanRecords(SimProcess process)
    {
        RecordScans++;
        var applied = process.Sync.LocalState().Applied;
        foreach (var group in _keys.GroupBy(k => k.Collection))
        {
            var versions = Sim.Run(process.Sync.Store.ReadVersionsAsync(group.Key, [.. group.Select(k => k.Key)]));
            foreach (var version in versions)
            {
                Observe(process.Id, version.Cursor, version.Stamp);
                if (_writesByKey.TryGetValue(version.Cursor, out var writes))
                {
                    var covered = writes.Where(w => applied[w.Stamp.Origin] >= w.Stamp.Hlc && !Superseded(w, writes)).Select(w => (VersionStamp?)w.Stamp).Max();
                    if (covered is { } stamp && version.Stamp < stamp)
                    {
                        throw world.Fail($"{process.Id}: {version.Cursor} holds {version.Stamp} {(version.Deleted ? "(deleted)" : version.Value)} although it applied the acknowledged {stamp} (a resurrected or lost write)");
                    }
                }
            }
        }
    }

    /// <summary>
    /// An owned record's stream is its current state: a version its owner replaced (a delete then a
    /// re-create in one batch window) is never sent, so a watermark past it says nothing about it.
    /// </summary>
    private bool Superseded(RecordVersion write, List<RecordVersion> writes) =>
        world.Settings.Sync.Catalog.KindOf(write.Collection) == CollectionKind.Owned
        && writes.Any(w => w.Stamp.Origin == write.Stamp.Origin && w.Stamp > write.Stamp);

    private void Observe(NodeId node, RecordCursor key, VersionStamp stamp)
    {
        if (!_highest.TryGetValue(node, out var seen))
        {
            _highest[node] = seen = [];
        }

        if (seen.TryGetValue(key, out var highest) && stamp < highest)
        {
            throw world.Fail($"{node}: {key} went back from {highest} to {stamp} (a resurrected or lost version)");
        }

        seen[key] = stamp;
    }
}
