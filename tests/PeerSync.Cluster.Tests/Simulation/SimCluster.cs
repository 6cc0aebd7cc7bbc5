using System.Globalization;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>
/// A whole cluster of <see cref="ClusterMachine"/>s on one thread under virtual time: seeded delays,
/// drops, partitions, crashes, pauses (inbound messages queue, as in a stopped process's socket),
/// clock drift and restarts as new incarnations. Invariants are checked after every step; the same
/// seed replays the same run exactly (<see cref="TraceHash"/>).
/// </summary>
public sealed partial class SimCluster
{
    private readonly PriorityQueue<SimEvent, (long At, long Seq)> _queue = new();
    private readonly Dictionary<(NodeId From, NodeId To), long> _lastDelivery = [];
    private readonly HashSet<(NodeId From, NodeId To)> _blocked = [];
    private readonly Dictionary<(NodeId From, NodeId To), long> _extraDelayMs = [];
    private readonly DeterministicRandom _random;
    private readonly Dictionary<Epoch, UniqueNode> _leaders = [];
    private long _seq;
    private ulong _traceHash = 14695981039346656037UL;

    public SimCluster(ulong seed, int nodeCount, SimOptions? options = null, int seedNodeCount = int.MaxValue)
    {
        Seed = seed;
        Options = options ?? new SimOptions();
        _random = new DeterministicRandom(seed);
        for (var i = 1; i <= nodeCount; i++)
        {
            var drift = Options.MaxDrift == 0 ? 0 : ((_random.NextDouble() * 2) - 1) * Options.MaxDrift;
            var offset = Options.MaxDrift == 0 ? 0 : _random.NextLong(0, 100_000);
            Nodes.Add(new SimNode(NodeId.Parse("n" + i), new EndpointAddress("10.0.0." + i, 4053), offset, 1 + drift));
        }

        var seeds = Nodes.Take(Math.Max(1, Math.Min(seedNodeCount, nodeCount))).Select(n => n.Address.ToString()).ToList();
        Config = Options.Config with { SeedNodes = [.. seeds.Select(EndpointAddress.Parse)] };
    }

    public ulong Seed { get; }
    public SimOptions Options { get; }
    public ClusterConfig Config { get; }
    public List<SimNode> Nodes { get; } = [];
    public long NowMs { get; private set; }
    public List<SimRecord> Records { get; } = [];

    /// <summary>Message kinds recorded in the transcript besides events and notices (heartbeats and gossip are too chatty).</summary>
    public HashSet<string> TracedMessageKinds { get; } = ["InitJoin", "Join", "Welcome", "JoinRefused", "VoteRequest", "HandOver", "Excluded"];

    public bool RecordNotices { get; set; } = true;

    public ulong TraceHash => _traceHash;

    public static ClusterConfig DefaultConfig() => ClusterConfig.Default("10.0.0.1:4053");

    public SimNode Node(string id) => Nodes.Single(n => n.Id.Value == id);

    /// <summary>Starts (or restarts, as a new incarnation) a node's process and asks it to join.</summary>
    public void Start(SimNode node)
    {
        if (node.Machine is not null)
        {
            node.Restarts++;
        }

        node.Crashed = false;
        node.Paused = false;
        node.Buffered.Clear();
        node.SingletonRunning = false;
        node.LastLocalMs = 0;
        var incarnation = new Incarnation((ulong)(node.Restarts + 1));
        var self = new ClusterSelf(new UniqueNode(node.Id, incarnation), node.Address, [], node.Local(NowMs) + (Nodes.IndexOf(node) * 0));
        node.Machine = new ClusterMachine(Config, self, Seed * 31 + (ulong)Nodes.IndexOf(node) * 7919 + (ulong)node.Restarts);
        Record(node, "start", $"process started as {Format(self.Node)}");
        StepNode(node, new ClusterInput.JoinSeedNodes());
    }

    public void StartAll()
    {
        foreach (var node in Nodes)
        {
            Start(node);
        }
    }

    public void Crash(SimNode node)
    {
        node.Crashed = true;
        node.Paused = false;
        node.SingletonRunning = false;
        node.Buffered.Clear();
        Record(node, "fault", "crashed");
    }

    /// <summary>Freezes a node for <paramref name="durationMs"/>: no steps, inbound messages queue until it resumes.</summary>
    public void Pause(SimNode node, long durationMs)
    {
        node.Paused = true;
        Record(node, "fault", $"paused for {durationMs} ms");
        Schedule(NowMs + durationMs, new SimEvent.Resume(node));
    }

    /// <summary>Blocks traffic both ways between the two groups.</summary>
    public void Partition(IEnumerable<SimNode> sideA, IEnumerable<SimNode> sideB)
    {
        var b = sideB.ToList();
        foreach (var x in sideA)
        {
            foreach (var y in b)
            {
                _blocked.Add((x.Id, y.Id));
                _blocked.Add((y.Id, x.Id));
            }
        }

        RecordGlobal("fault", "partition " + string.Join(",", sideA.Select(n => n.Id)) + " | " + string.Join(",", b.Select(n => n.Id)));
    }

    /// <summary>Drops everything <paramref name="from"/> sends to <paramref name="to"/> (the other direction still works).</summary>
    public void BlockOneWay(SimNode from, SimNode to)
    {
        _blocked.Add((from.Id, to.Id));
        RecordGlobal("fault", $"link {from.Id} -> {to.Id} blocked");
    }

    /// <summary>
    /// Adds <paramref name="extraMs"/> to every later message <paramref name="from"/> sends to
    /// <paramref name="to"/> (a slow or congested link; the other direction and FIFO order are kept).
    /// Zero restores the link.
    /// </summary>
    public void SlowLink(SimNode from, SimNode to, long extraMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraMs);
        _extraDelayMs[(from.Id, to.Id)] = extraMs;
        RecordGlobal("fault", $"link {from.Id} -> {to.Id} slowed by {extraMs} ms");
    }

    /// <summary>True when no partition is in force.</summary>
    public bool IsWhole => _blocked.Count == 0;

    /// <summary>Whether messages cannot flow in at least one direction between the two nodes.</summary>
    public bool IsCut(SimNode a, SimNode b) => _blocked.Contains((a.Id, b.Id)) || _blocked.Contains((b.Id, a.Id));

    /// <summary>Records a line of the script's own in the trace (e.g. a fault it skipped, and why).</summary>
    public void Note(string text) => RecordGlobal("script", text);

    public void Heal()
    {
        _blocked.Clear();
        RecordGlobal("fault", "partition healed");
    }

    public void Input(SimNode node, ClusterInput input) => StepNode(node, input);

    public void At(long globalMs, string name, Action action) => Schedule(globalMs, new SimEvent.Scripted(name, action));

    public void RunFor(long durationMs) => RunUntil(NowMs + durationMs);

    public void RunUntil(long globalMs)
    {
        while (_queue.TryPeek(out _, out var key) && key.At <= globalMs)
        {
            var e = _queue.Dequeue();
            NowMs = Math.Max(NowMs, key.At);
            Handle(e);
        }

        NowMs = Math.Max(NowMs, globalMs);
    }

    /// <summary>Runs until <paramref name="condition"/> holds (checked after each event) or the time limit passes; returns whether it held.</summary>
    public bool RunUntil(Func<bool> condition, long limitMs)
    {
        var deadline = NowMs + limitMs;
        while (!condition())
        {
            if (!_queue.TryPeek(out _, out var key) || key.At > deadline)
            {
                NowMs = deadline;
                return condition();
            }

            var e = _queue.Dequeue();
            NowMs = Math.Max(NowMs, key.At);
            Handle(e);
        }

        return true;
    }

    private void Schedule(long atMs, SimEvent e) => _queue.Enqueue(e, (atMs, _seq++));

    private void Handle(SimEvent e)
    {
        switch (e)
        {
            case SimEvent.Deliver deliver:
                Deliver(deliver);
                break;
            case SimEvent.Wake wake:
                if (wake.Generation == wake.Node.WakeGeneration && wake.Node.Alive && !wake.Node.Paused)
                {
                    StepNode(wake.Node, new ClusterInput.Tick());
                }

                break;
            case SimEvent.SingletonStopped stopped:
                if (stopped.Node.Alive && stopped.Node.Current == stopped.Incarnation)
                {
                    if (stopped.Node.Paused)
                    {
                        stopped.Node.Buffered.Add(stopped);
                    }
                    else
                    {
                        StepNode(stopped.Node, new ClusterInput.SingletonStopped());
                    }
                }

                break;
            case SimEvent.Resume resume:
                ResumeNode(resume.Node);
                break;
            case SimEvent.Scripted scripted:
                RecordGlobal("script", scripted.Name);
                scripted.Run();
                break;
        }
    }

    private void ResumeNode(SimNode node)
    {
        if (!node.Paused || node.Crashed)
        {
            return;
        }

        node.Paused = false;
        node.ResumedAtMs = NowMs;
        Record(node, "fault", "resumed");
        var buffered = node.Buffered.ToList();
        node.Buffered.Clear();

        // A woken process may run its timer before or after reading its sockets: the seed decides.
        var tickFirst = _random.NextInt(2) == 0;
        if (tickFirst)
        {
            StepNode(node, new ClusterInput.Tick());
        }

        foreach (var e in buffered)
        {
            if (!node.Alive || node.Paused)
            {
                break;
            }

            Handle(e);
        }

        if (!tickFirst && node.Alive)
        {
            StepNode(node, new ClusterInput.Tick());
        }
    }

    private void Deliver(SimEvent.Deliver deliver)
    {
        var node = deliver.To;
        if (!node.Alive || _blocked.Contains((deliver.Envelope.From.Id, node.Id)))
        {
            return;
        }

        if (deliver.ToNode is { } target && node.Current != target)
        {
            return;
        }

        if (node.Paused)
        {
            node.Buffered.Add(deliver);
            return;
        }

        StepNode(node, new ClusterInput.MessageReceived(deliver.Envelope));
    }

    private void Send(SimNode from, OutboundMessage message)
    {
        var to = Nodes.FirstOrDefault(n => n.Address == message.To);
        if (to is null || to == from)
        {
            return;
        }

        if (TracedMessageKinds.Contains(message.Message.Kind))
        {
            Record(from, "send", $"{message.Message.Kind} -> {to.Id}{Describe(message.Message)}");
        }

        if (_blocked.Contains((from.Id, to.Id)) || (Options.DropRate > 0 && _random.NextDouble() < Options.DropRate))
        {
            return;
        }

        // Links are FIFO (TCP): a message never overtakes an earlier one on the same pair.
        var key = (from.Id, to.Id);
        var at = NowMs + _random.NextLong(Options.MinDelayMs, Options.MaxDelayMs) + _extraDelayMs.GetValueOrDefault(key);
        at = Math.Max(at, _lastDelivery.GetValueOrDefault(key));
        _lastDelivery[key] = at;
        Schedule(at, new SimEvent.Deliver(to, message.ToNode, new ClusterEnvelope(from.Current!.Value, from.Address, message.Message)));
    }

    private static string Describe(ClusterMessage message) => message switch
    {
        VoteRequest r => $" epoch {r.Epoch}",
        HandOver h => $" epoch {h.Epoch} to {Format(h.Successor)}",
        Excluded x => $" {x.Status}",
        JoinRefused j => $" ({j.Reason})",
        _ => "",
    };

    public static string Format(UniqueNode node) => node.Id + "#" + node.Incarnation.Value.ToString(CultureInfo.InvariantCulture);

    public static string Format(UniqueNode? node) => node is { } n ? Format(n) : "none";
}
