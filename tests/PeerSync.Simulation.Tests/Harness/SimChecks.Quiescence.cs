using PeerSync.Cluster;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The liveness phase and the end state: after healing, with faults stopped and every surviving
/// process running, the cluster must converge (one view, all Up, one leader) and sync must go quiet
/// (every surviving write applied everywhere, digests equal); then all survivors hold identical
/// records and every surviving acknowledged write's last writer.
/// </summary>
internal sealed partial class SimChecks
{
    private static readonly CollectionName[] Collections = [SimWorkload.Tags, SimWorkload.Places];

    /// <summary>Processes not taken out for good.</summary>
    public IReadOnlyList<SimProcess> Survivors => [.. world.Processes.Values.Where(p => !world.Decommissioned.Contains(p.Id))];

    /// <summary>
    /// Acknowledged writes that must survive: every write of a surviving node, and a write of a
    /// decommissioned node that some survivor applied.
    /// </summary>
    public IReadOnlyList<RecordVersion> SurvivingWrites()
    {
        var survivors = Survivors.Where(p => p.Sync.IsUp).ToList();
        return [.. AcknowledgedWrites
            .Where(w => !world.Decommissioned.Contains(w.Writer)
                || survivors.Any(s => s.Sync.LocalState().Applied[w.Write.Stamp.Origin] >= w.Write.Stamp.Hlc))
            .Select(w => w.Write)];
    }

    public string? ClusterProblem()
    {
        var survivors = Survivors;
        var expected = survivors.Select(p => p.Incarnation).ToHashSet();
        ClusterMachine? first = null;
        foreach (var process in survivors)
        {
            if (!process.Alive || process.Machine is not { Phase: ClusterPhase.Member } machine)
            {
                return $"{process.Id} is {(process.Alive ? process.Machine?.Phase.ToString() : "down")}";
            }

            var state = machine.CurrentState;
            if (!state.Members.Select(m => m.Node).ToHashSet().SetEquals(expected) || state.Members.Any(m => m.Status != MemberStatus.Up))
            {
                return $"{process.Id} sees {string.Join(", ", state.Members.Select(m => $"{SimProcess.Format(m.Node)} {m.Status}"))}";
            }

            if (state.Unreachable.Count > 0)
            {
                return $"{process.Id} sees {string.Join(", ", state.Unreachable.Select(SimProcess.Format))} unreachable";
            }

            first ??= machine;
            if (state.Leader is null || state.Leader != first.CurrentState.Leader || state.LeaderEpoch != first.CurrentState.LeaderEpoch)
            {
                return $"{process.Id} sees leader {state.Leader} epoch {state.LeaderEpoch}";
            }
        }

        var acting = survivors.Count(p => p.Machine!.Election is { Acting: true });
        return acting == 1 ? null : $"{acting} acting leaders";
    }

    public string? SyncProblem()
    {
        var survivors = Survivors;
        foreach (var process in survivors)
        {
            if (!process.Sync.IsUp || !process.Sync.Backfill.IsReady)
            {
                return $"{process.Id} sync is {(process.Sync.IsUp ? process.Sync.Backfill.Phase.ToString() : "down")}";
            }
        }

        var needed = Watermarks.From(SurvivingWrites()
            .GroupBy(w => w.Stamp.Origin)
            .Select(g => new KeyValuePair<OriginId, PeerSync.Sync.Clock.Hlc>(g.Key, g.Max(w => w.Stamp.Hlc))));
        foreach (var process in survivors)
        {
            var applied = process.Sync.LocalState().Applied;
            foreach (var (origin, hlc) in needed)
            {
                if (origin != process.Sync.SelfOrigin && applied[origin] < hlc)
                {
                    return $"{process.Id} applied {origin} only to {applied[origin]}, writes reach {hlc}; peers: {Describe(process)}";
                }
            }
        }

        foreach (var collection in Collections)
        {
            var digests = survivors.Select(p => Sim.Run(p.Sync.Store.GetCollectionDigestAsync(collection))).Distinct().ToList();
            if (digests.Count > 1)
            {
                return $"{collection} digests differ: {string.Join(", ", survivors.Select(p => $"{p.Id}={Sim.Run(p.Sync.Store.GetCollectionDigestAsync(collection)).Count}/{Sim.Run(p.Sync.Store.GetCollectionDigestAsync(collection)).HashHex}"))}";
            }
        }

        return null;
    }

    private static string Describe(SimProcess process) =>
        string.Join(" ", process.Sync.Peers.Values.Select(p => $"{p.Peer}:{p.Phase}:inflight={p.Status().InFlightBatches}:fail={p.Status().ConsecutiveFailures}"));

    /// <summary>
    /// The liveness phase: stop faults, heal, restart every surviving process that is down, and run
    /// until the cluster and sync are both quiet; fails with what is still wrong after the limit.
    /// </summary>
    public void Settle(long limitMs = 120_000)
    {
        world.StopFaults();
        foreach (var process in Survivors.Where(p => !p.Alive))
        {
            world.RestartWhenWhole(process);
        }

        var quiet = world.RunUntil(() => ClusterProblem() is null && SyncProblem() is null, limitMs, 500);
        if (!quiet)
        {
            throw world.Fail($"not quiet {limitMs} ms after healing: cluster: {ClusterProblem() ?? "converged"}; sync: {SyncProblem() ?? "quiet"}");
        }
    }

    /// <summary>Every survivor holds the same records (versions and values), and each surviving acknowledged write's last writer.</summary>
    public void AssertConverged()
    {
        var survivors = Survivors;
        var reference = Snapshot(survivors[0]);
        foreach (var process in survivors.Skip(1))
        {
            var mine = Snapshot(process);
            var diff = reference.Keys.Union(mine.Keys).Where(k => reference.GetValueOrDefault(k) != mine.GetValueOrDefault(k)).Take(3).ToList();
            if (diff.Count > 0)
            {
                throw world.Fail($"{survivors[0].Id} and {process.Id} differ: {string.Join("; ", diff.Select(k => $"{k}: {reference.GetValueOrDefault(k)} vs {mine.GetValueOrDefault(k)}"))}");
            }
        }

        var winners = SurvivingWrites().GroupBy(w => w.Cursor)
            .Select(g => g.Aggregate((best, next) => MergeRules.ShouldReplace(best, next) ? next : best));
        foreach (var winner in winners)
        {
            foreach (var process in survivors)
            {
                var actual = Sim.Run(process.Sync.Store.GetAsync(winner.Collection, winner.Key));
                var ok = winner.Deleted ? actual is null : actual is not null && actual.Stamp == winner.Stamp && actual.Value == winner.Value;
                if (!ok)
                {
                    throw world.Fail($"{process.Id}: {winner.Cursor} should {(winner.Deleted ? "be deleted" : "hold " + winner.Value)} by {winner.Stamp} but holds {actual?.Stamp} {actual?.Value} (an acknowledged write lost)");
                }
            }
        }
    }

    private static Dictionary<RecordCursor, string> Snapshot(SimProcess process)
    {
        var result = new Dictionary<RecordCursor, string>();
        foreach (var collection in Collections)
        {
            RecordKey? after = null;
            do
            {
                var page = Sim.Run(process.Sync.Store.ListAsync(collection, after, RecordStore.MaxListLimit));
                foreach (var item in page.Items)
                {
                    result[item.Cursor] = $"{item.Stamp}={item.Value}";
                }

                after = page.Next;
            }
            while (after is not null);
        }

        return result;
    }
}
