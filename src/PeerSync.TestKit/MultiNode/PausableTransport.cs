using System.Collections.Concurrent;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Transport;

namespace PeerSync.TestKit.MultiNode;

/// <summary>
/// Wraps a node's transport so the harness can freeze it and kill it (docs/design/cluster-host.md,
/// "Multi-node harness"). <see cref="Pause"/>: nothing leaves the node (sends are held in order,
/// closes are deferred), nothing is read (received frames and accepted connections wait): the
/// peers see a silent node whose connections stay open, as with a stopped process whose kernel
/// still buffers. <see cref="Resume"/> lets it all through. <see cref="Sever"/>: the process died:
/// every later frame is lost and every connection closes as lost, without a goodbye notice.
/// </summary>
public sealed class PausableTransport(ITransport inner) : ITransport
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<PausableConnection, byte> _connections = new();
    private TaskCompletionSource _running = CompletedSignal();
    private bool _paused;

    public string Name => inner.Name + "+pausable";

    public TransportCounters Counters => inner.Counters;

    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    public bool IsSevered { get; private set; }

    /// <summary>Frames held while paused so far (for diagnostics).</summary>
    public long HeldFrames => Interlocked.Read(ref _heldFrames);

    private long _heldFrames;

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default) =>
        new Listener(this, await inner.ListenAsync(address, cancellationToken).ConfigureAwait(false));

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        await WhenRunningAsync(cancellationToken).ConfigureAwait(false);
        return Track(await inner.DialAsync(address, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Freezes the node's network side. Idempotent.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            if (!_paused)
            {
                _paused = true;
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Lets held frames out (in order), applies deferred closes and wakes readers. Idempotent.</summary>
    public void Resume()
    {
        TaskCompletionSource running;
        lock (_gate)
        {
            if (!_paused)
            {
                return;
            }

            _paused = false;
            running = _running;
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Release();
        }

        running.TrySetResult();
    }

    /// <summary>The process is gone: frames are lost from now on and every connection closes as lost (no notice to the peer).</summary>
    public void Sever()
    {
        IsSevered = true;
        foreach (var connection in _connections.Keys)
        {
            connection.Sever();
        }

        Resume();
    }

    internal Task WhenRunningAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _paused ? _running.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    internal void CountHeld() => Interlocked.Increment(ref _heldFrames);

    private IFrameConnection Track(IFrameConnection connection)
    {
        var wrapped = new PausableConnection(connection, this);
        _connections[wrapped] = 0;
        _ = connection.Completion.ContinueWith(
            _ => _connections.TryRemove(wrapped, out byte _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (IsSevered)
        {
            wrapped.Sever();
        }

        return wrapped;
    }

    private static TaskCompletionSource CompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    private sealed class Listener(PausableTransport owner, ITransportListener inner) : ITransportListener
    {
        public EndpointAddress LocalAddress => inner.LocalAddress;

        public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                return null;
            }

            // A frozen process does not accept: the connection waits in the backlog until it wakes.
            await owner.WhenRunningAsync(cancellationToken).ConfigureAwait(false);
            return owner.Track(connection);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
