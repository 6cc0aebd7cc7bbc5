using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.FailureDetection;

/// <summary>
/// One <see cref="PhiAccrualFailureDetector"/> per monitored member. Monitoring is all-to-all: every
/// member monitors every other non-Down member through the heartbeats that member sends it
/// (docs/design/failure-detector.md explains why, and what it costs).
/// </summary>
public sealed class FailureDetectorRegistry
{
    private readonly PhiSettings _settings;
    private readonly Dictionary<UniqueNode, PhiAccrualFailureDetector> _detectors = new();

    public FailureDetectorRegistry(PhiSettings settings) => _settings = settings ?? throw new ArgumentNullException(nameof(settings));

    public IEnumerable<UniqueNode> Monitored => _detectors.Keys;

    public bool IsMonitoring(UniqueNode node) => _detectors.ContainsKey(node);

    /// <summary>Starts monitoring as if a heartbeat arrived now, so a member that never sends one is still detected.</summary>
    public void StartMonitoring(UniqueNode node, long nowMs)
    {
        if (!_detectors.ContainsKey(node))
        {
            var detector = new PhiAccrualFailureDetector(_settings);
            detector.Heartbeat(nowMs);
            _detectors.Add(node, detector);
        }
    }

    public void StopMonitoring(UniqueNode node) => _detectors.Remove(node);

    /// <summary>Records a heartbeat; ignored for members not monitored (unknown, Down, removed).</summary>
    public void Heartbeat(UniqueNode node, long nowMs)
    {
        if (_detectors.TryGetValue(node, out var detector))
        {
            detector.Heartbeat(nowMs);
        }
    }

    /// <summary>Forgets a member's history and starts afresh (after it became reachable again).</summary>
    public void Reset(UniqueNode node, long nowMs)
    {
        _detectors.Remove(node);
        StartMonitoring(node, nowMs);
    }

    public bool IsAvailable(UniqueNode node, long nowMs) =>
        !_detectors.TryGetValue(node, out var detector) || detector.IsAvailable(nowMs);

    public double Phi(UniqueNode node, long nowMs) =>
        _detectors.TryGetValue(node, out var detector) ? detector.Phi(nowMs) : 0;

    /// <summary>
    /// Restarts the silence clocks: this node was paused, the silence since is its own. Members in
    /// <paramref name="accused"/> (this node already saw them unreachable before the pause) keep
    /// their suspicion: re-arming them would make a crashed member reachable again on waking, with
    /// no heartbeat from it.
    /// </summary>
    public void RearmAll(long nowMs, IReadOnlySet<UniqueNode> accused)
    {
        ArgumentNullException.ThrowIfNull(accused);
        foreach (var (node, detector) in _detectors)
        {
            if (!accused.Contains(node))
            {
                detector.Rearm(nowMs);
            }
        }
    }

    /// <summary>The earliest time a currently available member would become suspect; null if none.</summary>
    public long? NextSuspectAtMs(long nowMs)
    {
        long? next = null;
        foreach (var detector in _detectors.Values)
        {
            if (detector.SuspectAtMs() is { } at && detector.IsAvailable(nowMs))
            {
                var due = Math.Max(at, nowMs + 1);
                next = next is null ? due : Math.Min(next.Value, due);
            }
        }

        return next;
    }
}
