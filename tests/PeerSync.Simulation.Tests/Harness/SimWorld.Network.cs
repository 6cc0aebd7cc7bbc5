using PeerSync.Cluster;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// The simulated network: per-message seeded delay, loss and (sync only) duplication; FIFO per
/// direction like a TCP link; partitions as blocked directed pairs (a message in flight across a
/// new partition is lost too). Sync sessions: one per pair of processes while both are alive, the
/// pair is not blocked, and both hosts want it (each sees the other as a reachable member); a new
/// session gets a new id, and messages of an old session are discarded by the receiver.
/// </summary>
internal sealed partial class SimWorld
{
    private readonly Dictionary<(NodeId From, NodeId To), long> _lastDelivery = [];
    private readonly HashSet<(NodeId From, NodeId To)> _blocked = [];
    private readonly SortedDictionary<(NodeId, NodeId), SyncSessionId> _sessions = [];
    private readonly Dictionary<(NodeId, NodeId), long> _reconnectAfter = [];
    private ulong _nextSession = 1;
    private bool _updatingSessions;
    private bool _faultsStopped;

    public long MessagesSent { get; private set; }

    public long MessagesDropped { get; private set; }

    /// <summary>True when no partition or one-way block is in force.</summary>
    public bool IsWhole => _blocked.Count == 0;

    public bool IsBlocked(NodeId from, NodeId to) => _blocked.Contains((from, to));

    public static (NodeId, NodeId) Pair(NodeId a, NodeId b) => a < b ? (a, b) : (b, a);

    /// <summary>Blocks traffic both ways between the two sides.</summary>
    public void Partition(IEnumerable<string> sideA, IEnumerable<string> sideB)
    {
        var a = sideA.Select(NodeId.Parse).ToList();
        var b = sideB.Select(NodeId.Parse).ToList();
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                _blocked.Add((x, y));
                _blocked.Add((y, x));
            }
        }

        Trace($"fault partition {string.Join(",", a)} | {string.Join(",", b)}");
        UpdateSessions();
    }

    /// <summary>The liveness phase: no more loss or duplication, and every partition healed.</summary>
    public void StopFaults()
    {
        _faultsStopped = true;
        Heal();
    }

    public void Heal()
    {
        _blocked.Clear();
        Trace("fault healed");
        UpdateSessions();
    }

    private long DeliveryTime(NodeId from, NodeId to)
    {
        var at = NowMs + NetRandom.NextLong(Settings.DelayMinMs, Settings.DelayMaxMs);
        at = Math.Max(at, _lastDelivery.GetValueOrDefault((from, to)));
        _lastDelivery[(from, to)] = at;
        return at;
    }

    private bool Lost(NodeId from, NodeId to)
    {
        MessagesSent++;
        if (IsBlocked(from, to) || (!_faultsStopped && Settings.DropRate > 0 && NetRandom.NextDouble() < Settings.DropRate))
        {
            MessagesDropped++;
            return true;
        }

        return false;
    }

    public void SendCluster(SimProcess from, OutboundMessage message)
    {
        var to = Processes.Values.FirstOrDefault(p => p.Address == message.To);
        if (to is null || to == from || Lost(from.Id, to.Id))
        {
            return;
        }

        // Delivered to whatever process listens there when it arrives; ToNode filters a restarted one.
        var delivery = new SimEvent.ClusterDelivery(to, message.ToNode, new ClusterEnvelope(from.Incarnation, from.Address, message.Message));
        Schedule(DeliveryTime(from.Id, to.Id), delivery);
        if (Settings.DuplicateClusterMessages && !_faultsStopped && Settings.DuplicateRate > 0 && NetRandom.NextDouble() < Settings.DuplicateRate)
        {
            Schedule(DeliveryTime(from.Id, to.Id), delivery);
        }
    }

    private void DeliverCluster(SimEvent.ClusterDelivery d)
    {
        if (!d.To.Alive || IsBlocked(d.Envelope.From.Id, d.To.Id))
        {
            return;
        }

        if (d.ToNode is { } target && d.To.Incarnation != target)
        {
            return;
        }

        d.To.ReceiveCluster(d.Envelope);
    }

    public void SendSync(NodeId from, NodeId to, SyncSessionId session, SyncInbound message)
    {
        if (Lost(from, to))
        {
            return;
        }

        var target = Processes[to];
        Schedule(DeliveryTime(from, to), new SimEvent.SyncDelivery(from, target, session, message));
        if (!_faultsStopped && Settings.DuplicateRate > 0 && NetRandom.NextDouble() < Settings.DuplicateRate)
        {
            Schedule(DeliveryTime(from, to), new SimEvent.SyncDelivery(from, target, session, message));
        }
    }

    private void DeliverSync(SimEvent.SyncDelivery d)
    {
        if (!d.To.Alive || IsBlocked(d.From, d.To.Id) || _sessions.GetValueOrDefault(Pair(d.From, d.To.Id)) != d.Session)
        {
            return;
        }

        d.To.Sync.Receive(d.From, d.Session, d.Message, NowMs);
    }

    /// <summary>The host closes a stalled peer's session; it reopens (new id) after a short delay.</summary>
    public void RequestReconnect(NodeId a, NodeId b)
    {
        var pair = Pair(a, b);
        _reconnectAfter[pair] = NowMs + 200;
        After(0, $"reconnect {a}-{b}", UpdateSessions);
        After(201, $"reopen {a}-{b}", UpdateSessions);
    }

    /// <summary>Opens and closes sync sessions to match who is alive, reachable and wanted (see the class comment).</summary>
    public void UpdateSessions()
    {
        if (_updatingSessions)
        {
            return;
        }

        _updatingSessions = true;
        try
        {
            var ids = Processes.Keys.ToList();
            for (var i = 0; i < ids.Count; i++)
            {
                for (var j = i + 1; j < ids.Count; j++)
                {
                    UpdateSession(Processes[ids[i]], Processes[ids[j]]);
                }
            }
        }
        finally
        {
            _updatingSessions = false;
        }
    }

    private void UpdateSession(SimProcess a, SimProcess b)
    {
        var pair = Pair(a.Id, b.Id);
        var should = a.Alive && b.Alive && !IsBlocked(a.Id, b.Id) && !IsBlocked(b.Id, a.Id)
            && NowMs >= _reconnectAfter.GetValueOrDefault(pair)
            && a.WantsSyncWith(b.Id) && b.WantsSyncWith(a.Id);
        var has = _sessions.TryGetValue(pair, out var current);
        if (should && !has)
        {
            var session = new SyncSessionId(_nextSession++);
            _sessions[pair] = session;
            Trace($"session {a.Id}-{b.Id} up {session}");
            a.Sync.Connected(b.Id, session, NowMs);
            b.Sync.Connected(a.Id, session, NowMs);
        }
        else if (!should && has)
        {
            _sessions.Remove(pair);
            Trace($"session {a.Id}-{b.Id} down {current}");
            if (a.Alive)
            {
                a.Sync.Disconnected(b.Id, NowMs);
            }

            if (b.Alive)
            {
                b.Sync.Disconnected(a.Id, NowMs);
            }
        }
    }

    public SyncSessionId? SessionOf(NodeId a, NodeId b) => _sessions.TryGetValue(Pair(a, b), out var s) ? s : null;
}
