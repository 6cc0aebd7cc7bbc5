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

    public SyncMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _clockSkewRejections = _meter.CreateCounter<long>("peersync.sync.clock_skew.rejections", "{timestamp}", "Remote HLCs refused as too far ahead of the local clock (peersync.sync.max-clock-skew).");
        _changesApplied = _meter.CreateCounter<long>("peersync.sync.changes.applied", "{change}", "Remote changes applied to the local record set.");
        _repairs = _meter.CreateCounter<long>("peersync.sync.anti_entropy.repairs", "{record}", "Records pulled or deleted by anti-entropy.");
        _bufferOverflows = _meter.CreateCounter<long>("peersync.sync.backfill.buffer_overflows", "{overflow}", "Backfill live-change buffers dropped (the catch-up resends their changes).");
        _sendFailures = _meter.CreateCounter<long>("peersync.sync.send.failures", "{batch}", "Batches lost or refused, each followed by a backoff.");
        _peerStalls = _meter.CreateCounter<long>("peersync.sync.peer.stalls", "{stall}", "Peers that stopped answering after every retry.");
    }

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
