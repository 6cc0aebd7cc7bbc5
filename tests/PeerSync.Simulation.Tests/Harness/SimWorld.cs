using System.Globalization;
using System.Text;
using PeerSync.Cluster;
using PeerSync.Remote.Addressing;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// A whole PeerSync cluster on one thread under virtual time: each <see cref="SimProcess"/> runs the
/// real <see cref="ClusterMachine"/> and the real sync machines over an in-memory store, and the
/// cluster's member events drive sync as the real host does (docs/design/simulation.md). One seeded
/// event queue orders everything; the same seed gives the same trace (<see cref="TraceHash"/>).
/// Invariants are checked as the run goes (<see cref="SimChecks"/>); a violation throws
/// <see cref="SimFailure"/> naming the seed and the replay command.
/// </summary>
internal sealed partial class SimWorld
{
    /// <summary>Virtual time starts at a realistic Unix time, because HLCs carry physical milliseconds.</summary>
    public const long StartMs = 1_700_000_000_000;

    private const int TraceTailLines = 60;

    private readonly PriorityQueue<SimEvent, (long At, long Seq)> _queue = new();
    private readonly Queue<string> _traceTail = new();
    private long _seq;
    private ulong _traceHash = 14695981039346656037UL;

    public SimWorld(ulong seed, SimSettings settings)
    {
        Seed = seed;
        Settings = settings;
        ClusterConfig = settings.ClusterConfigFor();
        Random = new DeterministicRandom(seed);
        NetRandom = new DeterministicRandom(seed ^ 0x9E3779B97F4A7C15UL);
        Checks = new SimChecks(this);
        NowMs = StartMs;
        for (var i = 1; i <= settings.Nodes; i++)
        {
            CreateProcess(i);
        }
    }

    public ulong Seed { get; }

    public SimSettings Settings { get; }

    public ClusterConfig ClusterConfig { get; }

    /// <summary>The randomness of the scenario (workload, fault script, skews, restart delays).</summary>
    public DeterministicRandom Random { get; }

    /// <summary>The network's own stream, so that adding a message does not shift the workload's choices.</summary>
    public DeterministicRandom NetRandom { get; }

    public SimChecks Checks { get; }

    public long NowMs { get; private set; }

    public SortedDictionary<NodeId, SimProcess> Processes { get; } = [];

    public long EventsHandled { get; private set; }

    public string TraceHash => _traceHash.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>When set, every trace line is kept (for a replayed seed's transcript).</summary>
    public List<string>? FullTrace { get; set; }

    public SimProcess this[string name] => Processes[NodeId.Parse(name)];

    public IEnumerable<SimProcess> Alive => Processes.Values.Where(p => p.Alive);

    private SimProcess CreateProcess(int index)
    {
        var id = NodeId.Parse("n" + index.ToString(CultureInfo.InvariantCulture));
        var process = new SimProcess(this, id, EndpointAddress.Parse(SimSettings.AddressOf(index)), new SimDisk(Seed * 1000 + (ulong)index));
        Processes[id] = process;
        return process;
    }

    /// <summary>A line of the trace: hashed always, kept in a short tail for failure messages.</summary>
    public void Trace(string line)
    {
        var text = NowMs.ToString(CultureInfo.InvariantCulture) + " " + line;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            _traceHash = (_traceHash ^ b) * 1099511628211UL;
        }

        _traceHash = (_traceHash ^ '\n') * 1099511628211UL;
        if (_traceTail.Count == TraceTailLines)
        {
            _traceTail.Dequeue();
        }

        _traceTail.Enqueue(text);
        FullTrace?.Add(text);
    }

    public string TraceTail => string.Join("\n", _traceTail);

    /// <summary>Throws the failure of an invariant, with the seed and how to replay it.</summary>
    public SimFailure Fail(string problem) => new(Seed, NowMs - StartMs, problem, Replay ?? SimFailure.ReplayCommand(Seed), TraceTail);

    /// <summary>How to replay this run; null: the swarm replay of <see cref="Seed"/>. Scripted scenarios name their test.</summary>
    public string? Replay { get; init; }

    public void Schedule(long atMs, SimEvent e) => _queue.Enqueue(e, (Math.Max(atMs, NowMs), _seq++));

    public void At(long atMs, string name, Action action) => Schedule(atMs, new SimEvent.Scripted(name, action));

    public void After(long delayMs, string name, Action action) => At(NowMs + delayMs, name, action);

    public void StartAll()
    {
        foreach (var process in Processes.Values)
        {
            process.Start();
        }
    }

    public void RunFor(long durationMs) => RunUntil(NowMs + durationMs);

    public void RunUntil(long globalMs)
    {
        while (_queue.TryPeek(out _, out var key) && key.At <= globalMs)
        {
            Step();
        }

        NowMs = Math.Max(NowMs, globalMs);
    }

    /// <summary>Runs until <paramref name="condition"/> holds (checked every <paramref name="checkEveryMs"/>) or the limit passes.</summary>
    public bool RunUntil(Func<bool> condition, long limitMs, long checkEveryMs = 250)
    {
        var deadline = NowMs + limitMs;
        while (!condition())
        {
            if (NowMs >= deadline)
            {
                return false;
            }

            RunUntil(Math.Min(deadline, NowMs + checkEveryMs));
        }

        return true;
    }

    private void Step()
    {
        _queue.TryDequeue(out var e, out var key);
        NowMs = Math.Max(NowMs, key.At);
        EventsHandled++;
        Handle(e!);
    }

    private void Handle(SimEvent e)
    {
        switch (e)
        {
            case SimEvent.ClusterDelivery d:
                DeliverCluster(d);
                break;
            case SimEvent.SyncDelivery d:
                DeliverSync(d);
                break;
            case SimEvent.ClusterWake wake:
                wake.Node.Wake(wake.Generation);
                break;
            case SimEvent.SyncTick tick:
                tick.Node.SyncTick(tick.Boot);
                break;
            case SimEvent.SingletonStopped stopped:
                stopped.Node.SingletonStopped(stopped.Boot);
                break;
            case SimEvent.Scripted scripted:
                Trace("script " + scripted.Name);
                scripted.Run();
                break;
            default:
                throw new InvalidOperationException($"unknown event {e}");
        }
    }
}
