using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote;

/// <summary>
/// Logs dead letters of the remote layer without flooding: the first failure of each (peer,
/// reason) is logged at once, later ones at most once per <see cref="Interval"/>, with the number
/// suppressed meanwhile. Every failure is counted in the metrics regardless.
/// </summary>
internal sealed class DeliveryFailureLog(ILogger logger, NodeId self, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly Dictionary<(string Peer, RemoteDeliveryFailure Failure), Window> _windows = [];

    public void Report(string peer, RemoteDeliveryFailure failure, object message, string recipient, string detail)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        long count;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var key = (peer, failure);
            if (_windows.TryGetValue(key, out var window) && time.GetElapsedTime(window.StartedAt, now) < Interval)
            {
                window.Suppressed++;
                return;
            }

            count = (window?.Suppressed ?? 0) + 1;
            if (_windows.Count > 1024)
            {
                // Bounded: a node talking to very many peers forgets old windows rather than grow.
                _windows.Clear();
            }

            _windows[key] = new Window(now);
        }

        LinkLog.DeliveryFailed(logger, self, peer, failure.Code(), count, message.GetType().Name, recipient, detail);
    }

    private sealed class Window(long startedAt)
    {
        public long StartedAt { get; } = startedAt;

        public long Suppressed { get; set; }
    }
}
