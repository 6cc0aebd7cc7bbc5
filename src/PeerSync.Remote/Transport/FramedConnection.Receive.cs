using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

internal sealed partial class FramedConnection
{
    /// <summary>
    /// Held by the one reader: <see cref="ReceiveAsync"/>, or the close procedure draining input.
    /// </summary>
    private readonly SemaphoreSlim _readLock = new(1, 1);

    public ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (!_readLock.Wait(0))
        {
            if (IsClosing)
            {
                return new ValueTask<Frame?>((Frame?)null);
            }

            throw new InvalidOperationException($"connection {Id}: ReceiveAsync is already running; a connection has one reader");
        }

        var handedOff = false;
        try
        {
            // Under load most frames are already buffered: take them without an async state machine.
            switch (TryTakeBuffered(out var frame))
            {
                case BufferedRead.Frame:
                    return new ValueTask<Frame?>(frame);
                case BufferedRead.Closing:
                    return new ValueTask<Frame?>((Frame?)null);
                default:
                    handedOff = true;
                    return ReceiveSlowAsync(cancellationToken);
            }
        }
        finally
        {
            if (!handedOff)
            {
                _readLock.Release();
            }
        }
    }

    private async ValueTask<Frame?> ReceiveSlowAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReceiveCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>
    /// A plain frame from data already buffered, or <see cref="BufferedRead.Slow"/> for everything
    /// else (no data, partial frame, errors, Disconnect, end of stream), which the slow path handles
    /// from the same, unconsumed bytes.
    /// </summary>
    private BufferedRead TryTakeBuffered(out Frame? frame)
    {
        frame = null;
        if (IsClosing)
        {
            return BufferedRead.Closing;
        }

        var input = _duplex.Input;
        ReadResult result;
        try
        {
            if (!input.TryRead(out result))
            {
                return BufferedRead.Slow;
            }
        }
        catch (Exception ex) when (IsNetworkFailure(ex))
        {
            return BufferedRead.Slow;
        }

        if (result.IsCanceled)
        {
            input.AdvanceTo(result.Buffer.Start);
            return BufferedRead.Closing;
        }

        var buffer = result.Buffer;
        if (FrameCodec.TryDecode(ref buffer, _settings.MaxFrameSizeBytes, out frame, out _) == FrameDecodeStatus.Decoded
            && frame!.BodyCase != Frame.BodyOneofCase.Disconnect)
        {
            input.AdvanceTo(buffer.Start);
            return BufferedRead.Frame;
        }

        frame = null;
        input.AdvanceTo(result.Buffer.Start);
        return BufferedRead.Slow;
    }

    private enum BufferedRead
    {
        Frame,
        Closing,
        Slow,
    }

    /// <summary>A lock-free read: the reference is published once, under the lock, and never cleared.</summary>
    private bool IsClosing => Volatile.Read(ref _closeInfo) is not null;

    private async ValueTask<Frame?> ReceiveCoreAsync(CancellationToken cancellationToken)
    {
        var input = _duplex.Input;
        while (true)
        {
            if (IsClosing)
            {
                return null;
            }

            ReadResult result;
            try
            {
                if (!input.TryRead(out result))
                {
                    result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (IsNetworkFailure(ex))
            {
                Abort(DisconnectReason.ConnectionLost, $"receive failed: {ex.Message}");
                return null;
            }

            if (result.IsCanceled)
            {
                // Close() cancelled the pending read to wake this reader.
                return null;
            }

            var buffer = result.Buffer;
            var status = FrameCodec.TryDecode(ref buffer, _settings.MaxFrameSizeBytes, out var frame, out var error);
            switch (status)
            {
                case FrameDecodeStatus.Decoded:
                    input.AdvanceTo(buffer.Start);
                    if (frame!.BodyCase == Frame.BodyOneofCase.Disconnect)
                    {
                        var notice = frame.Disconnect;
                        BeginClose(notice.Reason, $"peer closed the connection: {notice.Detail}", byPeer: true, notifyPeer: false);
                        return null;
                    }

                    return frame;

                case FrameDecodeStatus.NeedMoreData when result.IsCompleted:
                    input.AdvanceTo(buffer.End);
                    var detail = buffer.IsEmpty
                        ? "peer closed the connection"
                        : string.Create(CultureInfo.InvariantCulture, $"peer closed the connection in the middle of a frame ({buffer.Length} bytes of it received)");
                    BeginClose(DisconnectReason.ConnectionLost, detail, byPeer: true, notifyPeer: false);
                    return null;

                case FrameDecodeStatus.NeedMoreData:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;

                default:
                    // Mark everything examined: the close procedure drains (and discards) the rest.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    var reason = status == FrameDecodeStatus.TooLarge
                        ? DisconnectReason.FrameTooLarge
                        : DisconnectReason.MalformedFrame;
                    BeginClose(reason, error!, byPeer: false, notifyPeer: true);
                    return null;
            }
        }
    }

    /// <summary>
    /// Takes the read lock for good before the input is disposed, so no receive touches a completed
    /// reader (later calls see the lock taken and the connection closing, and return null). Bounded
    /// by the linger time: a pending read was woken by the close and gives the lock up promptly.
    /// </summary>
    private async Task<bool> RetireReaderAsync(CancellationToken linger)
    {
        try
        {
            await _readLock.WaitAsync(linger).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            // The reader did not let go within the linger time; disposing the input will end it.
            return false;
        }
    }

    /// <summary>
    /// After this side's close notice was written: read and discard input until the peer closes or
    /// the linger time ends, so that closing the socket does not reset the connection under the
    /// notice (a close with unread input sends RST, and the peer may then never read the notice).
    /// The caller holds the read lock.
    /// </summary>
    private async Task DrainInputAsync(CancellationToken linger)
    {
        try
        {
            var input = _duplex.Input;
            while (true)
            {
                var result = await input.ReadAsync(linger).ConfigureAwait(false);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Linger time over: the peer kept the connection open; close it anyway.
        }
        catch (Exception ex) when (IsNetworkFailure(ex) || ex is InvalidOperationException)
        {
            // The input already failed or ended; nothing is left to drain.
        }
    }

    private static bool IsNetworkFailure(Exception ex) =>
        ex is IOException or SocketException or ObjectDisposedException or AuthenticationException;
}
