using System.Globalization;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// A simulation invariant failed. The message names the seed, the virtual time, the problem, the
/// command that replays the run alone with its full trace, and the last trace lines.
/// </summary>
public sealed class SimFailure : Exception
{
    public SimFailure()
    {
    }

    public SimFailure(string message)
        : base(message)
    {
    }

    public SimFailure(string message, Exception inner)
        : base(message, inner)
    {
    }

    internal SimFailure(ulong seed, long atMs, string problem, string replay, string traceTail)
        : base(Describe(seed, atMs, problem, replay, traceTail))
    {
        Seed = seed;
    }

    public ulong Seed { get; }

    public static string ReplayCommand(ulong seed) =>
        "PEERSYNC_SIM_SEED=" + seed.ToString(CultureInfo.InvariantCulture)
        + " dotnet test tests/PeerSync.Simulation.Tests -c Release --filter FullyQualifiedName~ReplayTests";

    private static string Describe(ulong seed, long atMs, string problem, string replay, string traceTail) =>
        $"seed {seed.ToString(CultureInfo.InvariantCulture)} at {atMs.ToString(CultureInfo.InvariantCulture)} ms: {problem}\n"
        + $"replay: {replay}\nlast trace lines:\n{traceTail}";
}
