using PeerSync.Cluster.Tests.Simulation;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Scenarios;

public sealed class ZzDebugTests(ITestOutputHelper output)
{
    [Fact]
    public void Debug_seed()
    {
        var text = Environment.GetEnvironmentVariable("DBG_SEED");
        if (text is null) return;
        var seed = ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var until = long.Parse(Environment.GetEnvironmentVariable("DBG_UNTIL")!, System.Globalization.CultureInfo.InvariantCulture);
        var random = new DeterministicRandom(seed);
        var size = 3 + random.NextInt(5);
        var sim = new SimCluster(seed, size, SimOptions.Swarm(seed));
        sim.StartAll();
        Chaos.Script(sim, 8_000, 70_000);
        sim.RunUntil(until);
        foreach (var n in sim.Nodes.Where(n => n.Machine is not null))
        {
            var g = n.Machine!.Gossip;
            output.WriteLine($"{n.Id} phase={n.Machine.Phase} alive={n.Alive}: " + string.Join(", ", g.Members.Values.Select(m => $"{SimCluster.Format(m.Node)}:{m.Status}@{m.StartupTimeMs}")) + " unreachable=" + string.Join(",", n.Machine.View.Unreachable.Select(SimCluster.Format)) + $" V={n.Machine.View.VotingSet.Count} rightful={SimCluster.Format(n.Machine.View.RightfulLeader)} coord={SimCluster.Format(n.Machine.View.Coordinator)} role={n.Machine.Election?.Role} promised={n.Machine.Election?.PromisedEpoch} seen={string.Join(",", g.Seen.Select(SimCluster.Format))}");
        }
    }
}
