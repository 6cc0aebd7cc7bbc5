using System.Security.Cryptography;
using System.Text;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>
/// A deterministic cluster of <see cref="SimNode"/>s on virtual time: one thread, a seeded network,
/// scheduled faults. The same seed gives the same trace (and <see cref="TraceHash"/>).
/// </summary>
internal sealed class SimCluster
{
    public const long TickMs = 10;

    private readonly SortedDictionary<(long At, long Seq), Action> _scheduled = [];
    private readonly Dictionary<(NodeId, NodeId), SyncSessionId> _sessions = [];
    private readonly Dictionary<(NodeId, NodeId), long> _reconnectAfter = [];
    private readonly HashSet<NodeId> _members = [];
    private readonly IncrementalHash _trace = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ulong _seed;
    private long _scheduleSeq;
    private ulong _nextSession = 1;
    private long _nextTickMs;

    public SimCluster(ulong seed, IEnumerable<string> names, SyncConfig config)
    {
        _seed = seed;
        Random = new SeededRandom(seed);
        Network = new SimNetwork(new SeededRandom(seed ^ 0x5EED));
        Config = config;
        NowMs = 1_700_000_000_000;
        _nextTickMs = NowMs;
        ulong epoch = 1;
        foreach (var name in names)
        {
            var id = NodeId.Parse(name);
            _members.Add(id);
            Nodes[id] = new SimNode(this, id, config, (seed << 8) + epoch++);
        }
    }

    public SeededRandom Random { get; }

    public SimNetwork Network { get; }

    public SyncConfig Config { get; }

    public long NowMs { get; private set; }

    public SortedDictionary<NodeId, SimNode> Nodes { get; } = [];

    public List<RecordVersion> AcknowledgedWrites { get; } = [];

    public List<string> TraceLines { get; } = [];

    public bool KeepTrace { get; set; }

    /// <summary>False disables anti-entropy rounds, to test the change streams alone.</summary>
    public bool AntiEntropyEnabled { get; set; } = true;

    /// <summary>Called after every snapshot page a node applies (crash injection).</summary>
    public Action<SimNode>? OnPageApplied { get; set; }

    public SimNode this[string name] => Nodes[NodeId.Parse(name)];

    public IEnumerable<NodeId> MembersOf(NodeId self) => _members.Where(m => m != self);

    public bool IsMember(NodeId id) => _members.Contains(id);

    /// <summary>
    /// The seed of <paramref name="a"/>'s PeerSyncMachine for <paramref name="b"/>: from a stable hash,
    /// because string.GetHashCode is randomized per process and a seed must replay in another one.
    /// </summary>
    public ulong SeedFor(NodeId a, NodeId b) => _seed ^ Sim.StableHash(a.Value + "/" + b.Value);

    public string TraceHash => Convert.ToHexString(_trace.GetCurrentHash())[..16];

    public void Trace(string line)
    {
        var text = $"{NowMs} {line}";
        _trace.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        if (KeepTrace)
        {
            TraceLines.Add(text);
        }
    }

    public void StartAll()
    {
        foreach (var node in Nodes.Values)
        {
            node.Start(NowMs);
        }

        UpdateLinks();
    }

    public void Schedule(long atMs, Action action) => _scheduled[(atMs, ++_scheduleSeq)] = action;

    public void AfterPageApplied(SimNode node) => OnPageApplied?.Invoke(node);

    public RecordVersion? Write(string node, string collection, string key, string? value)
    {
        var written = this[node].Write(CollectionName.Parse(collection), RecordKey.Parse(key), value, NowMs);
        if (written is not null)
        {
            AcknowledgedWrites.Add(written);
            Trace($"{node} wrote {collection}/{key} {written.Stamp}");
        }

        return written;
    }

    public void Crash(string node)
    {
        Trace($"{node} crashed");
        this[node].Crash();
        UpdateLinks();
    }

    public void Restart(string node)
    {
        if (this[node].IsUp)
        {
            Crash(node);
        }

        Trace($"{node} restarted");
        this[node].Start(NowMs);
        UpdateLinks();
    }

    /// <summary>MemberRemoved on every other node: their machines for it retire.</summary>
    public void RemoveMember(string name)
    {
        var id = NodeId.Parse(name);
        Trace($"{name} removed");
        _members.Remove(id);
        UpdateLinks();
        foreach (var node in Nodes.Values.Where(n => n.Id != id && n.IsUp))
        {
            node.RetirePeer(id, NowMs);
        }
    }

    /// <summary>The member joins again (a new incarnation): others start a fresh peer machine for it.</summary>
    public void AddMember(string name)
    {
        var id = NodeId.Parse(name);
        Trace($"{name} joined");
        _members.Add(id);
        // Only running nodes see the member event; a node that is down reconciles its journals with
        // the membership when it starts (SimNode.Start), as a restarted host would.
        foreach (var node in Nodes.Values.Where(n => n.Id != id && n.IsUp))
        {
            node.ForgetRetiredPeer(id);
            node.EnsurePeer(id);
        }

        UpdateLinks();
    }

    public void Partition(string a, string b) => Network.Block(NodeId.Parse(a), NodeId.Parse(b));

    public void Isolate(string node)
    {
        foreach (var other in Nodes.Keys.Where(n => n.Value != node))
        {
            Network.Block(NodeId.Parse(node), other);
        }
    }

    public void HealAll() => Network.HealAll();

    public void RequestReconnect(NodeId a, NodeId b, long nowMs) =>
        Schedule(nowMs, () =>
        {
            var pair = SimNetwork.Pair(a, b);
            if (_sessions.Remove(pair))
            {
                Nodes[a].Disconnected(b, NowMs);
                Nodes[b].Disconnected(a, NowMs);
            }

            _reconnectAfter[pair] = NowMs + 200;
        });

    /// <summary>A session per pair of up members that can reach each other (failure detection is instant here).</summary>
    public void UpdateLinks()
    {
        var ids = Nodes.Keys.ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            for (var j = i + 1; j < ids.Count; j++)
            {
                var (a, b) = (ids[i], ids[j]);
                var pair = SimNetwork.Pair(a, b);
                var should = Nodes[a].IsUp && Nodes[b].IsUp && _members.Contains(a) && _members.Contains(b)
                    && !Network.IsBlocked(a, b) && NowMs >= _reconnectAfter.GetValueOrDefault(pair);
                var has = _sessions.ContainsKey(pair);
                if (should && !has)
                {
                    var session = new SyncSessionId(_nextSession++);
                    _sessions[pair] = session;
                    Trace($"link {a}-{b} up {session}");
                    Nodes[a].Connected(b, session, NowMs);
                    Nodes[b].Connected(a, session, NowMs);
                }
                else if (!should && has)
                {
                    _sessions.Remove(pair);
                    Trace($"link {a}-{b} down");
                    if (Nodes[a].IsUp)
                    {
                        Nodes[a].Disconnected(b, NowMs);
                    }

                    if (Nodes[b].IsUp)
                    {
                        Nodes[b].Disconnected(a, NowMs);
                    }
                }
            }
        }
    }

    public void RunFor(long durationMs) => RunUntil(NowMs + durationMs);

    public void RunUntil(long endMs)
    {
        while (true)
        {
            var next = _nextTickMs;
            if (Network.NextAt is { } n && n < next)
            {
                next = n;
            }

            if (_scheduled.Count > 0 && _scheduled.Keys.First().At < next)
            {
                next = _scheduled.Keys.First().At;
            }

            if (next > endMs)
            {
                NowMs = endMs;
                return;
            }

            NowMs = Math.Max(NowMs, next);
            while (_scheduled.Count > 0 && _scheduled.Keys.First().At <= NowMs)
            {
                var first = _scheduled.First();
                _scheduled.Remove(first.Key);
                first.Value();
            }

            foreach (var (from, to, session, message) in Network.TakeDue(NowMs))
            {
                Nodes[to].Receive(from, session, message, NowMs);
            }

            if (NowMs >= _nextTickMs)
            {
                _nextTickMs = NowMs + TickMs;
                UpdateLinks();
                foreach (var node in Nodes.Values)
                {
                    node.Tick(NowMs);
                }
            }
        }
    }

    /// <summary>
    /// Pruning never drops what a live member still needs: every floor raised by this prune is at or
    /// below what each live member has applied. (A member that was removed and came back may be
    /// below floors raised while it was away: that is what its snapshot is for.)
    /// </summary>
    public void CheckPruningSafety(SimNode pruner, Watermarks floorsBefore)
    {
        var floors = Watermarks.From(pruner.LocalState().Floors.Where(f => f.Value > floorsBefore[f.Key]));
        foreach (var member in _members.Where(m => m != pruner.Id && Nodes[m].IsUp))
        {
            var other = Nodes[member];
            var peerMachine = pruner.Peers.GetValueOrDefault(member);
            if (peerMachine?.PeerEpoch is null || peerMachine.PeerEpoch != other.SelfOrigin.Epoch)
            {
                continue;
            }

            var applied = other.LocalState().Applied;
            foreach (var (origin, floor) in floors)
            {
                if (applied[origin] < floor && origin != other.SelfOrigin)
                {
                    throw new InvalidOperationException($"{pruner.Id} pruned {origin} to {floor} but live member {member} has only {applied[origin]}");
                }
            }
        }
    }
}
