namespace PeerSync.Remote.Transport;

/// <summary>
/// Live counts of what a transport holds open. A connection counts from creation until its socket
/// is closed and its buffers returned, so zero open connections after everything closed means
/// nothing leaked. Thread-safe.
/// </summary>
public sealed class TransportCounters
{
    private readonly object _gate = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = [];
    private int _openConnections;
    private long _openedConnections;
    private int _openListeners;
    private int _pendingTlsHandshakes;
    private long _failedTlsHandshakes;

    /// <summary>Connections created and not yet fully closed.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Connections created since the transport was made.</summary>
    public long OpenedConnections => Interlocked.Read(ref _openedConnections);

    /// <summary>Listeners started and not yet disposed.</summary>
    public int OpenListeners => Volatile.Read(ref _openListeners);

    /// <summary>Accepted sockets whose TLS handshake is still running (TLS only).</summary>
    public int PendingTlsHandshakes => Volatile.Read(ref _pendingTlsHandshakes);

    /// <summary>TLS handshakes that failed or timed out (TLS only).</summary>
    public long FailedTlsHandshakes => Interlocked.Read(ref _failedTlsHandshakes);

    /// <summary>
    /// Completes once <see cref="OpenConnections"/> and <see cref="PendingTlsHandshakes"/> are both
    /// at most <paramref name="target"/>.
    /// </summary>
    public Task WhenOpenAtMostAsync(int target, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Reached(target))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public override string ToString() =>
        $"open connections {OpenConnections} (opened {OpenedConnections}), listeners {OpenListeners}, pending TLS handshakes {PendingTlsHandshakes}";

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _openedConnections);
        Interlocked.Increment(ref _openConnections);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openConnections);
        Notify();
    }

    internal void ListenerOpened() => Interlocked.Increment(ref _openListeners);

    internal void ListenerClosed() => Interlocked.Decrement(ref _openListeners);

    internal void TlsHandshakeStarted() => Interlocked.Increment(ref _pendingTlsHandshakes);

    internal void TlsHandshakeEnded(bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _failedTlsHandshakes);
        }

        Interlocked.Decrement(ref _pendingTlsHandshakes);
        Notify();
    }

    private bool Reached(int target) => OpenConnections <= target && PendingTlsHandshakes <= target;

    private void Notify()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (Reached(_waiters[i].Target))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
