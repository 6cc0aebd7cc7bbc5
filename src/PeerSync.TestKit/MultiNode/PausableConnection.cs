using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.TestKit.MultiNode;

/// <summary>One connection of a <see cref="PausableTransport"/>: holds sends and closes while the node is paused, drops everything once severed.</summary>
internal sealed class PausableConnection(IFrameConnection inner, PausableTransport owner) : IFrameConnection
{
    private readonly object _gate = new();
    private readonly Queue<Frame> _held = new();
    private (DisconnectReason Reason, string Detail)? _deferredClose;
    private bool _severed;

    // True while Release sends what was held: later sends queue behind, so order is kept.
    private bool _releasing;

    public string Id => inner.Id;

    public bool IsInbound => inner.IsInbound;

    public EndpointAddress LocalEndpoint => inner.LocalEndpoint;

    public EndpointAddress RemoteEndpoint => inner.RemoteEndpoint;

    public int MaxFrameSizeBytes => inner.MaxFrameSizeBytes;

    public long QueuedBytes => inner.QueuedBytes;

    public bool TrySetDrainedHandler(Action? handler) => inner.TrySetDrainedHandler(handler);

    public ConnectionClosed? CloseReason => inner.CloseReason;

    public Task<ConnectionClosed> Completion => inner.Completion;

    public SendResult TrySend(Frame frame)
    {
        lock (_gate)
        {
            if (_severed)
            {
                // Bytes written by a process that is gone never arrive.
                return SendResult.Accepted;
            }

            if (owner.IsPaused || _held.Count > 0 || _releasing)
            {
                if (inner.CloseReason is not null)
                {
                    return SendResult.Closed;
                }

                _held.Enqueue(frame.Clone());
                owner.CountHeld();
                return SendResult.Accepted;
            }
        }

        return inner.TrySend(frame);
    }

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_severed || owner.IsPaused || _held.Count > 0 || _releasing)
            {
                return ValueTask.FromResult(TrySend(frame));
            }
        }

        return inner.SendAsync(frame, cancellationToken);
    }

    public async ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        await owner.WhenRunningAsync(cancellationToken).ConfigureAwait(false);
        var frame = await inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);

        // A frame that arrived while the node froze is read only when it wakes.
        await owner.WhenRunningAsync(cancellationToken).ConfigureAwait(false);
        return frame;
    }

    public void Close(DisconnectReason reason, string detail)
    {
        lock (_gate)
        {
            if (_severed)
            {
                reason = DisconnectReason.ConnectionLost;
            }
            else if (owner.IsPaused || _held.Count > 0 || _releasing)
            {
                _deferredClose ??= (reason, detail);
                return;
            }
        }

        inner.Close(reason, detail);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>The node woke: send what it held, in order, then the close it asked for meanwhile.</summary>
    internal void Release()
    {
        (DisconnectReason Reason, string Detail)? close;
        lock (_gate)
        {
            _releasing = true;
        }

        while (true)
        {
            Frame? next;
            lock (_gate)
            {
                if (!_held.TryDequeue(out next))
                {
                    close = _deferredClose;
                    _deferredClose = null;
                    _releasing = false;
                    break;
                }
            }

            if (inner.TrySend(next) == SendResult.QueueFull)
            {
                // The writer is behind: wait for room rather than lose or reorder the frame.
                _ = inner.SendAsync(next).AsTask().GetAwaiter().GetResult();
            }
        }

        if (close is { } c)
        {
            inner.Close(c.Reason, c.Detail);
        }
    }

    /// <summary>The process died: drop what is held and close as lost (the transport writes no notice for that reason).</summary>
    internal void Sever()
    {
        lock (_gate)
        {
            _severed = true;
            _held.Clear();
            _deferredClose = null;
        }

        inner.Close(DisconnectReason.ConnectionLost, "the process was killed");
    }
}
