namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// One swarm run from a seed: the seed picks the cluster size, network faults and clock skews
/// (<see cref="SimSettings.Swarm"/>), a writer workload and a chaos script; some seeds also add an
/// empty node, decommission one, or kill one for good and have an operator down it, midway. Then the liveness phase and the end-state checks.
/// </summary>
internal static class SimSwarm
{
    public const long DefaultChaosMs = 40_000;

    public static SimWorld Run(ulong seed, long chaosMs = DefaultChaosMs)
    {
        var world = Create(seed);
        Drive(world, chaosMs);
        return world;
    }

    public static SimWorld Create(ulong seed) => new(seed, SimSettings.Swarm(seed));

    public static void Drive(SimWorld world, long chaosMs = DefaultChaosMs)
    {
        SimWorkload.SkewClocks(world);
        world.StartAll();
        world.RunFor(5_000);
        var start = world.NowMs;
        var end = start + chaosMs;
        SimWorkload.Writers(world, start, end);
        SimWorkload.Chaos(world, start + 1_000, end);
        var plan = world.Random.NextInt(4);
        var names = world.Processes.Keys.Select(n => n.Value).ToList();

        if (plan == 0)
        {
            world.At(start + world.Random.NextLong(0, chaosMs / 2), "add node", () => world.AddNode());
        }
        else if (plan is 1 or 2 && names.Count > 3)
        {
            // Never the first seed (the plan is then dropped): only it may form a cluster, so
            // without it a total outage could not be recovered from (membership.md, "Join"); an
            // operator would edit seed-nodes first.
            var victim = names[world.Random.NextInt(names.Count)];
            var at = start + world.Random.NextLong(0, chaosMs / 2);
            if (victim != names[0] && plan == 1)
            {
                world.At(at, $"decommission {victim}", () => world.Decommission(victim));
            }
            else if (victim != names[0])
            {
                // Killed for good and downed by an operator on another node (which must be running).
                var by = names.First(n => n != victim);
                world.At(at, $"kill and down {victim}", () =>
                {
                    if (world[by].Alive)
                    {
                        world.KillAndDown(victim, by);
                    }
                });
            }
        }

        world.RunUntil(end + 1_000);
        world.Checks.Settle();
        world.Checks.AssertConverged();
    }
}
