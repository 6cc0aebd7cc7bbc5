using System.Threading.Channels;
using Google.Protobuf;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// A connection whose outbound frames pass the <see cref="FaultInjector"/>. A dropped
/// outbound frame reports <see cref="SendResult.Accepted"/>, as a frame lost on the network would.
/// Delayed outbound frames wait in a FIFO (later frames queue behind them, keeping order) and are
/// discarded if the connection closes first, like bytes in flight on a torn-down link. The injector
/// tracks it while it lives, so <see cref="FaultInjector.Reset"/> can fail it.
/// </summary>
internal sealed class FaultInjectingConnection : IFrameConnection
{
    private readonly IFrameConnection _inner;
    private readonly FaultInjector _injector;
    private readonly EndpointAddress _node;
    private readonly Func<EndpointAddress?> _peer;
    private readonly Channel<(Frame Frame, long DueTimestamp)> _delayed =
        Channel.CreateUnbounded<(Frame, long)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Cancelled when the inner connection has closed, ending any wait of the delay pump.</summary>
    private readonly CancellationTokenSource _closed = new();

    private int _delayedCount;
    private long _lastDueTimestamp;

    /// <param name="peer">The peer's node address, or null while unknown (frames then pass).</param>
    public FaultInjectingConnection(IFrameConnection inner, FaultInjector injector, EndpointAddress node, Func<EndpointAddress?> peer)
    {
        _inner = inner;
        _injector = injector;
        _node = node;
        _peer = peer;
        injector.Track(this);
        _ = inner.Completion.ContinueWith(
            static (_, state) => ((FaultInjectingConnection)state!).OnInnerClosed(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        _ = PumpDelayedAsync();
    }

    public string Id => _inner.Id;

    public bool IsInbound => _inner.IsInbound;

    public EndpointAddress LocalEndpoint => _inner.LocalEndpoint;

    public EndpointAddress RemoteEndpoint => _inner.RemoteEndpoint;

    public int MaxFrameSizeBytes => _inner.MaxFrameSizeBytes;

    public long QueuedBytes => _inner.QueuedBytes;

    public bool TrySetDrainedHandler(Action? handler) => _inner.TrySetDrainedHandler(handler);

    public ConnectionClosed? CloseReason => _inner.CloseReason;

    /// <summary>This end's node address.</summary>
    internal EndpointAddress Node => _node;

    /// <summary>The other end's node address, or null while unknown (an accepted connection whose dialer has not registered).</summary>
    internal EndpointAddress? Peer => _peer();

    /// <summary>The dialing end's socket address: the same for both ends of one connection.</summary>
    internal EndpointAddress DialerSocket => _inner.IsInbound ? _inner.RemoteEndpoint : _inner.LocalEndpoint;

    public Task<ConnectionClosed> Completion => _inner.Completion;

    public SendResult TrySend(Frame frame)
    {
        if (TryDivert(frame, out var diverted))
        {
            return diverted;
        }

        return _inner.TrySend(frame);
    }

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default) =>
        TryDivert(frame, out var diverted) ? ValueTask.FromResult(diverted) : _inner.SendAsync(frame, cancellationToken);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default) => _inner.ReceiveAsync(cancellationToken);

    public void Close(DisconnectReason reason, string detail)
    {
        _inner.Close(reason, detail);
        _delayed.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        _delayed.Writer.TryComplete();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>First step of a reset: both ends are marked before either fails, so each reports the reset.</summary>
    internal void MarkReset(string detail) => (_inner as FramedConnection)?.MarkReset(detail);

    /// <summary>Fails the connection at once, as a TCP reset: nothing more is written (no Disconnect notice), delayed frames are lost.</summary>
    internal void Reset(string detail)
    {
        _delayed.Writer.TryComplete();
        if (_inner is FramedConnection framed)
        {
            framed.Reset(detail);
        }
        else
        {
            // Another wrapper: the closest it offers. A lost connection sends no notice either.
            _inner.Close(DisconnectReason.ConnectionLost, detail);
        }
    }

    /// <summary>True when the injector takes the frame (dropped or delayed) instead of the inner connection.</summary>
    private bool TryDivert(Frame frame, out SendResult result)
    {
        result = SendResult.Accepted;
        if (_inner.CloseReason is not null)
        {
            return false;
        }

        if (_peer() is not { } peer)
        {
            return false;
        }

        var decision = _injector.Decide(_node, peer);
        if (decision.Drop)
        {
            return true;
        }

        lock (_delayed)
        {
            if (decision.Delay <= TimeSpan.Zero && _delayedCount == 0)
            {
                return false;
            }

            var time = _injector.TimeProvider;
            var due = Math.Max(
                time.GetTimestamp() + (long)(decision.Delay.TotalSeconds * time.TimestampFrequency), _lastDueTimestamp);
            _lastDueTimestamp = due;
            _delayedCount++;
            // The caller may reuse its frame, and the buffers behind it (the link layer wraps its
            // pooled batch buffer without copying), once this returns: what travels later is a
            // deep copy.
            return _delayed.Writer.TryWrite((Frame.Parser.ParseFrom(frame.ToByteArray()), due)) || Undo(out result);
        }
    }

    private void OnInnerClosed()
    {
        _injector.Untrack(this);
        _delayed.Writer.TryComplete();
        _closed.Cancel();
    }

    private bool Undo(out SendResult result)
    {
        _delayedCount--;
        result = SendResult.Closed;
        return true;
    }

    private async Task PumpDelayedAsync()
    {
        var time = _injector.TimeProvider;
        await foreach (var (frame, due) in _delayed.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var wait = time.GetElapsedTime(time.GetTimestamp(), due);
            if (_inner.CloseReason is not null)
            {
                // The link is gone: what was still in flight is lost with it.
                wait = TimeSpan.Zero;
            }
            else if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, _closed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Closed while the frame was in flight: SendAsync below reports Closed and it is lost.
                }
            }

            await _inner.SendAsync(frame).ConfigureAwait(false);
            lock (_delayed)
            {
                _delayedCount--;
            }
        }
    }
}
