using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

/// <summary>
/// The one <see cref="IFrameConnection"/> implementation, shared by every transport: framing, the
/// bounded send queue with its writer loop, stall detection, and the close procedure, over a
/// <see cref="ByteDuplex"/>. Split by concern: sending here, receiving in FramedConnection.Receive.cs,
/// the writer loop and closing in FramedConnection.Lifecycle.cs.
/// </summary>
internal sealed partial class FramedConnection : IFrameConnection
{
    /// <summary>Frames at least this large are encoded outside the lock, into an array of their own.</summary>
    private const int EncodeOutsideLockBytes = 16 * 1024;

    private static long s_nextId;

    private readonly object _gate = new();
    private readonly ByteDuplex _duplex;
    private readonly TransportSettings _settings;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly SendBuffer _sendBuffer = new();
    private readonly AsyncSignal _writerSignal = new();
    private readonly TaskCompletionSource<ConnectionClosed> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Senders waiting for queue space; completed (and replaced) whenever bytes drain.</summary>
    private TaskCompletionSource? _spaceAvailable;

    /// <summary>Set once, by the first close or abort; guarded by <see cref="_gate"/>.</summary>
    private ConnectionClosed? _closeInfo;

    private bool _aborted;

    private long _writeCalls;

    private volatile Action? _drained;

    public FramedConnection(
        ByteDuplex duplex,
        TransportSettings settings,
        TransportCounters counters,
        ILogger logger,
        EndpointAddress localEndpoint,
        EndpointAddress remoteEndpoint,
        bool isInbound)
    {
        _duplex = duplex;
        _settings = settings;
        _counters = counters;
        _logger = logger;
        LocalEndpoint = localEndpoint;
        RemoteEndpoint = remoteEndpoint;
        IsInbound = isInbound;
        Id = string.Create(CultureInfo.InvariantCulture, $"c{Interlocked.Increment(ref s_nextId)}");
        _stallTimer = settings.TimeProvider.CreateTimer(
            static state => ((FramedConnection)state!).OnStallTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        counters.ConnectionOpened();
        _ = RunWriterAsync();
    }

    public string Id { get; }

    public bool IsInbound { get; }

    public EndpointAddress LocalEndpoint { get; }

    public EndpointAddress RemoteEndpoint { get; }

    public int MaxFrameSizeBytes => _settings.MaxFrameSizeBytes;

    /// <summary>
    /// Read without the lock: the link reads it at every Tell to decide whether to send the next batch now,
    /// and taking the lock there contended with this connection's writer. A stale value only
    /// hands the work to the link's writer, or tries a send that then takes the lock.
    /// </summary>
    public long QueuedBytes => _sendBuffer.QueuedBytes;

    public Task<ConnectionClosed> Completion => _completion.Task;

    public bool TrySetDrainedHandler(Action? handler)
    {
        _drained = handler;
        return true;
    }

    /// <summary>Writes handed to the network so far; fewer than frames sent when batching works.</summary>
    internal long WriteCalls => Interlocked.Read(ref _writeCalls);

    public ConnectionClosed? CloseReason
    {
        get
        {
            lock (_gate)
            {
                return _closeInfo;
            }
        }
    }

    public SendResult TrySend(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var size = frame.CalculateSize();
        if (size > _settings.MaxFrameSizeBytes)
        {
            return SendResult.FrameTooLarge;
        }

        var result = size >= EncodeOutsideLockBytes ? EnqueueLarge(frame, size) : EnqueueSmall(frame, size);
        if (result == SendResult.Accepted)
        {
            _writerSignal.Set();
        }

        return result;
    }

    public ValueTask<SendResult> SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        var result = TrySend(frame);
        return result == SendResult.QueueFull
            ? SendWhenSpaceAsync(frame, cancellationToken)
            : new ValueTask<SendResult>(result);
    }

    private async ValueTask<SendResult> SendWhenSpaceAsync(Frame frame, CancellationToken cancellationToken)
    {
        var encodedBytes = FrameCodec.EncodedLength(frame.CalculateSize());
        while (true)
        {
            Task? wait = null;
            lock (_gate)
            {
                if (_closeInfo is not null)
                {
                    return SendResult.Closed;
                }

                // Space may have come free since TrySend looked; wait only if it still does not fit,
                // or the release that would wake us may already have happened.
                if (!Fits(encodedBytes))
                {
                    _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _spaceAvailable.Task;
                }
            }

            if (wait is not null)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var result = TrySend(frame);
            if (result != SendResult.QueueFull)
            {
                return result;
            }
        }
    }

    public void Close(DisconnectReason reason, string detail) => BeginClose(reason, detail, byPeer: false, notifyPeer: true);

    public async ValueTask DisposeAsync()
    {
        Close(DisconnectReason.Shutdown, "connection disposed");
        await Completion.ConfigureAwait(false);
    }

    public override string ToString() => $"{Id} {(IsInbound ? "from" : "to")} {RemoteEndpoint}";

    /// <summary>Whether <paramref name="encodedBytes"/> more fit the bound; an empty queue takes any legal frame.</summary>
    private bool Fits(int encodedBytes) =>
        _sendBuffer.QueuedBytes == 0 || _sendBuffer.QueuedBytes + encodedBytes <= _settings.SendQueueBytes;

    private SendResult EnqueueSmall(Frame frame, int size)
    {
        lock (_gate)
        {
            if (_closeInfo is not null)
            {
                return SendResult.Closed;
            }

            if (!Fits(FrameCodec.EncodedLength(size)))
            {
                return SendResult.QueueFull;
            }

            _sendBuffer.Append(frame, size);
            return SendResult.Accepted;
        }
    }

    private SendResult EnqueueLarge(Frame frame, int size)
    {
        var length = FrameCodec.EncodedLength(size);
        lock (_gate)
        {
            if (_closeInfo is not null)
            {
                return SendResult.Closed;
            }

            if (!Fits(length))
            {
                return SendResult.QueueFull;
            }
        }

        // Encoding megabytes under the lock would stall every other sender; encode first, then
        // check again, since the queue may have changed meanwhile.
        var array = ArrayPool<byte>.Shared.Rent(length);
        FrameCodec.Encode(frame, size, array.AsSpan(0, length));
        lock (_gate)
        {
            if (_closeInfo is null && Fits(length))
            {
                _sendBuffer.AppendEncoded(array, length);
                return SendResult.Accepted;
            }

            ArrayPool<byte>.Shared.Return(array);
            return _closeInfo is null ? SendResult.QueueFull : SendResult.Closed;
        }
    }

    /// <summary>Wakes senders waiting for space; called with <see cref="_gate"/> held.</summary>
    private void SignalSpaceLocked()
    {
        var waiting = _spaceAvailable;
        _spaceAvailable = null;
        waiting?.TrySetResult();
    }
}
