using PeerSync.Remote.Addressing;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;

namespace PeerSync.Sync.Tests.Simulation;

/// <summary>
/// A seeded network: per-message delay, loss and duplication; partitions (blocked pairs); and a
/// link session per connected pair, so that messages of a closed session are never delivered
/// (a reconnect closes the old session first). Delivery within a session is FIFO like TCP unless
/// <see cref="Reorder"/> is set.
/// </summary>
internal sealed class SimNetwork(SeededRandom random)
{
    private readonly SortedSet<(long At, long Seq)> _order = [];
    private readonly Dictionary<long, (NodeId From, NodeId To, SyncSessionId Session, SyncInbound Message)> _inFlight = [];
    private readonly HashSet<(NodeId, NodeId)> _blocked = [];
    private readonly Dictionary<(NodeId, NodeId), long> _lastDelivery = [];
    private long _seq;

    public long DelayMinMs { get; set; } = 1;

    public long DelayMaxMs { get; set; } = 20;

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    public bool Reorder { get; set; }

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    public static (NodeId, NodeId) Pair(NodeId a, NodeId b) => a < b ? (a, b) : (b, a);

    public bool IsBlocked(NodeId a, NodeId b) => _blocked.Contains(Pair(a, b));

    /// <summary>Nodes whose traffic silently vanishes while their links stay up (not yet detected as unreachable).</summary>
    public HashSet<NodeId> Blackholed { get; } = [];

    public void Block(NodeId a, NodeId b) => _blocked.Add(Pair(a, b));

    public void Unblock(NodeId a, NodeId b) => _blocked.Remove(Pair(a, b));

    public void HealAll()
    {
        _blocked.Clear();
        Blackholed.Clear();
    }

    public void Send(NodeId from, NodeId to, SyncSessionId session, SyncInbound message, long nowMs)
    {
        if (IsBlocked(from, to) || Blackholed.Contains(from) || Blackholed.Contains(to) || random.NextDouble() < DropRate)
        {
            Dropped++;
            return;
        }

        Enqueue(from, to, session, message, nowMs);
        if (random.NextDouble() < DuplicateRate)
        {
            Enqueue(from, to, session, message, nowMs);
        }
    }

    private void Enqueue(NodeId from, NodeId to, SyncSessionId session, SyncInbound message, long nowMs)
    {
        var at = nowMs + DelayMinMs + random.NextInt64(DelayMaxMs - DelayMinMs + 1);
        if (!Reorder)
        {
            at = Math.Max(at, _lastDelivery.GetValueOrDefault((from, to)));
            _lastDelivery[(from, to)] = at;
        }

        var seq = ++_seq;
        _order.Add((at, seq));
        _inFlight[seq] = (from, to, session, message);
    }

    public long? NextAt => _order.Count > 0 ? _order.Min.At : null;

    /// <summary>Takes every message due at or before <paramref name="nowMs"/>, in order.</summary>
    public List<(NodeId From, NodeId To, SyncSessionId Session, SyncInbound Message)> TakeDue(long nowMs)
    {
        var due = new List<(NodeId, NodeId, SyncSessionId, SyncInbound)>();
        while (_order.Count > 0 && _order.Min.At <= nowMs)
        {
            var next = _order.Min;
            _order.Remove(next);
            _inFlight.Remove(next.Seq, out var m);
            if (IsBlocked(m.From, m.To))
            {
                Dropped++;
                continue;
            }

            Delivered++;
            due.Add(m);
        }

        return due;
    }
}
