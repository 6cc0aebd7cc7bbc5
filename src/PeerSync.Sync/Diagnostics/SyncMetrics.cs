using System.Diagnostics.Metrics;
using PeerSync.Sync.Clock;

namespace PeerSync.Sync.Diagnostics;

/// <summary>
/// The sync instruments (meter `PeerSync.Sync`). Machines do not record metrics; the hosts call these
/// when they carry out the machines' notices, so every counted event has one place it is counted.
/// </summary>
public sealed class SyncMetrics : IDisposable
{
    public const string MeterName = "PeerSync.Sync";

    private readonly Meter _meter;
    private readonly Counter<long> _clockSkewRejections;
    private readonly Counter<long> _changesApplied;
    private readonly Counter<long> _repairs;
    private readonly Counter<long> _bufferOverflows;
    private readonly Counter<long> _sendFailures;
    private readonly Counter<long> _peerStalls;
    private Func<Host.SyncHostSnapshot>? _host;

    public SyncMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _clockSkewRejections = _meter.CreateCounter<long>("peersync.sync.clock_skew.rejections", "{timestamp}", "Remote HLCs refused as too far ahead of the local clock (peersync.sync.max-clock-skew).");
        _changesApplied = _meter.CreateCounter<long>("peersync.sync.changes.applied", "{change}", "Remote changes applied to the local record set.");
        _repairs = _meter.CreateCounter<long>("peersync.sync.anti_entropy.repairs", "{record}", "Records pulled or deleted by anti-entropy.");
        _bufferOverflows = _meter.CreateCounter<long>("peersync.sync.backfill.buffer_overflows", "{overflow}", "Backfill live-change buffers dropped (the catch-up resends their changes).");
        _sendFailures = _meter.CreateCounter<long>("peersync.sync.send.failures", "{batch}", "Batches lost or refused, each followed by a backoff.");
        _peerStalls = _meter.CreateCounter<long>("peersync.sync.peer.stalls", "{stall}", "Peers that stopped answering after every retry.");
        _meter.CreateObservableGauge("peersync.sync.state", () => Observe(s => (int)s.Phase), "{state}", "Sync state: 0 Uninitialized, 1 Backfilling, 2 CatchingUp, 3 Ready.");
        _meter.CreateObservableGauge("peersync.sync.ready", () => Observe(s => s.IsReady ? 1 : 0), "{ready}", "1 when the node's sync is Ready and it takes writes.");
        _meter.CreateObservableGauge("peersync.sync.peer.lag", () => ObservePeers(p => p.LagMs), "ms", "Per peer: how long its oldest unacknowledged change has been waiting on this node (0 when none).");
        _meter.CreateObservableGauge("peersync.sync.peer.queue", () => ObservePeers(p => p.PendingChanges), "{change}", "Per peer: changes of this node's streams it has not acknowledged (the outbound queue).");
        _meter.CreateObservableGauge("peersync.sync.peer.in_flight", () => ObservePeers(p => p.InFlightBatches), "{batch}", "Per peer: batches sent and not yet acknowledged.");
        _meter.CreateObservableCounter("peersync.sync.changes.received", () => Observe(s => s.ChangesReceived), "{change}", "Remote changes received (batches and snapshot pages), the replication rate.");
    }

    /// <summary>Makes the observable instruments (state, per-peer lag and queues) read <paramref name="snapshot"/>; the last call wins.</summary>
    public void ObserveHost(Func<Host.SyncHostSnapshot> snapshot) => _host = snapshot ?? throw new ArgumentNullException(nameof(snapshot));

    private IEnumerable<Measurement<long>> Observe(Func<Host.SyncHostSnapshot, long> value) =>
        _host is { } host ? [new Measurement<long>(value(host()))] : [];

    /// <summary>Per live peer: a removed member's series ends with its removal (as in `/v1/sync/peers`).</summary>
    private IEnumerable<Measurement<long>> ObservePeers(Func<Host.SyncPeerState, long> value) =>
        _host is { } host
            ? host().PeerStates.Where(p => !p.Retired).Select(p => new Measurement<long>(value(p), new KeyValuePair<string, object?>("peer", p.Peer.Value)))
            : [];

    /// <summary>One per refused timestamp, tagged with the origin's node.</summary>
    public void ClockSkewRejected(ClockRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        _clockSkewRejections.Add(1, new KeyValuePair<string, object?>("origin", rejection.Origin.Node.Value));
    }

    public void ChangesApplied(long count) => _changesApplied.Add(count);

    public void Repaired(long count) => _repairs.Add(count);

    public void BufferOverflowed() => _bufferOverflows.Add(1);

    public void SendFailed(string peer) => _sendFailures.Add(1, new KeyValuePair<string, object?>("peer", peer));

    public void PeerStalled(string peer) => _peerStalls.Add(1, new KeyValuePair<string, object?>("peer", peer));

    internal Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
