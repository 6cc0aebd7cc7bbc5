using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;

namespace PeerSync.Remote;

/// <summary>
/// The remote layer's counters, on the meter `PeerSync.Remote` (System.Diagnostics.Metrics). Every
/// measurement carries the tag `node` (this node's id), so several nodes in one process (tests)
/// stay apart. Counters are added per batch, not per message, so they cost nothing measurable.
/// </summary>
internal sealed class RemoteMetrics : IDisposable
{
    public const string MeterName = "PeerSync.Remote";

    private static readonly Meter s_meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<RemoteMetrics, byte> s_live = new();

    private static readonly Counter<long> s_reconnects = s_meter.CreateCounter<long>(
        "peersync.remote.reconnects", "{session}", "Sessions activated on a link after its first one (reconnects and replacements).");

    private static readonly Counter<long> s_deadLetters = s_meter.CreateCounter<long>(
        "peersync.remote.dead_letters", "{message}", "Messages the remote layer could not deliver, by reason.");

    private static readonly Counter<long> s_messagesSent = s_meter.CreateCounter<long>(
        "peersync.remote.messages_sent", "{message}", "Batch entries written to peers (resends included).");

    private static readonly Counter<long> s_messagesReceived = s_meter.CreateCounter<long>(
        "peersync.remote.messages_received", "{message}", "Batch entries delivered from peers (duplicates excluded).");

    private static readonly Counter<long> s_bytesSent = s_meter.CreateCounter<long>(
        "peersync.remote.bytes_sent", "By", "User batch bytes written to peers.");

    private static readonly Counter<long> s_bytesReceived = s_meter.CreateCounter<long>(
        "peersync.remote.bytes_received", "By", "User batch bytes received from peers.");

    private readonly KeyValuePair<string, object?> _node;
    private readonly Func<IEnumerable<(PeerLinkState State, long Buffered)>> _links;

    static RemoteMetrics()
    {
        s_meter.CreateObservableGauge(
            "peersync.remote.links",
            ObserveLinks,
            "{link}",
            "Links to peer nodes, by state.");
        s_meter.CreateObservableGauge(
            "peersync.remote.buffer_depth",
            ObserveBuffers,
            "{message}",
            "Messages buffered for peers (waiting to be sent or acknowledged).");
    }

    public RemoteMetrics(NodeId self, Func<IEnumerable<(PeerLinkState State, long Buffered)>> links)
    {
        _node = new("node", self.Value);
        _links = links;
        s_live[this] = 0;
    }

    public void Reconnected() => s_reconnects.Add(1, _node);

    public void DeadLetter(RemoteDeliveryFailure failure) => s_deadLetters.Add(1, _node, new("reason", failure.Code()));

    public void Sent(int messages, int bytes)
    {
        s_messagesSent.Add(messages, _node);
        s_bytesSent.Add(bytes, _node);
    }

    public void Received(int messages, int bytes)
    {
        s_messagesReceived.Add(messages, _node);
        s_bytesReceived.Add(bytes, _node);
    }

    public void Dispose() => s_live.TryRemove(this, out _);

    private static IEnumerable<Measurement<long>> ObserveLinks()
    {
        foreach (var metrics in s_live.Keys)
        {
            foreach (var group in metrics._links().GroupBy(l => l.State))
            {
                yield return new Measurement<long>(group.Count(), metrics._node, new("state", group.Key.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveBuffers()
    {
        foreach (var metrics in s_live.Keys)
        {
            yield return new Measurement<long>(metrics._links().Sum(l => l.Buffered), metrics._node);
        }
    }
}
