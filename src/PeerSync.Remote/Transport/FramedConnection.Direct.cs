using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

internal sealed partial class FramedConnection
{
    /// <summary>True while a caller writes to the network itself (guarded by <see cref="_gate"/>); the writer loop waits meanwhile.</summary>
    private bool _directWriting;

    private long _directWrites;

    /// <summary>Frames written on their caller's thread so far (see <see cref="TrySendEncoded"/>).</summary>
    internal long DirectWrites => Interlocked.Read(ref _directWrites);

    /// <summary>
    /// Sends a frame already encoded with its length prefix, for a caller that builds frames in a
    /// buffer of its own (the link writer's batches). When nothing is queued or being written, the
    /// bytes go to the network right here, on the caller's thread: no copy into the send queue and
    /// no hand-off to the writer loop (on a busy link, one thread wake-up less per batch). Otherwise
    /// they are copied into the queue behind what is there. Either way frames leave in the order of
    /// the calls that were accepted. On <see cref="SendResult.Accepted"/> the caller may reuse the
    /// buffer once <paramref name="written"/> completes: at once when the bytes were copied or the
    /// network took them without waiting. <paramref name="written"/> never faults: a failed write
    /// closes the connection, as one by the writer loop does. <see cref="SendResult.QueueFull"/>:
    /// nothing was taken (wait for space with <see cref="SendAsync"/>).
    /// </summary>
    internal SendResult TrySendEncoded(ReadOnlyMemory<byte> encodedFrame, out ValueTask written)
    {
        written = default;
        if (encodedFrame.Length - RemoteProtocol.LengthPrefixBytes > _settings.MaxFrameSizeBytes)
        {
            return SendResult.FrameTooLarge;
        }

        bool direct;
        lock (_gate)
        {
            if (_closeInfo is not null)
            {
                return SendResult.Closed;
            }

            // Nothing queued and nothing in flight (queued bytes count until written): the network
            // is ours. Otherwise queue behind the rest, or frames would overtake each other.
            direct = !_directWriting && _sendBuffer.QueuedBytes == 0;
            if (direct)
            {
                _directWriting = true;
            }
            else if (Fits(encodedFrame.Length))
            {
                _sendBuffer.AppendEncodedCopy(encodedFrame.Span);
            }
            else
            {
                return SendResult.QueueFull;
            }
        }

        if (direct)
        {
            written = WriteDirect(encodedFrame);
        }
        else
        {
            _writerSignal.Set();
        }

        return SendResult.Accepted;
    }

    private ValueTask WriteDirect(ReadOnlyMemory<byte> encodedFrame)
    {
        Interlocked.Increment(ref _directWrites);
        ValueTask pending;
        try
        {
            Interlocked.Increment(ref _writeCalls);
            pending = _duplex.WriteAsync(encodedFrame, CancellationToken.None);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                EndDirectWrite();
                return default;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DirectWriteFailed(ex);
            EndDirectWrite();
            return default;
        }

        return FinishDirectWriteAsync(pending);
    }

    private async ValueTask FinishDirectWriteAsync(ValueTask pending)
    {
        try
        {
            await GuardAgainstStallAsync(pending).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DirectWriteFailed(ex);
        }
        finally
        {
            EndDirectWrite();
        }
    }

    private void DirectWriteFailed(Exception ex)
    {
        if (IsNetworkFailure(ex))
        {
            Abort(DisconnectReason.ConnectionLost, $"send failed: {ex.Message}");
            return;
        }

        // A bug, not a network condition: as in the writer loop, close loudly.
        RemoteLog.WriterFailed(_logger, ex, Id, RemoteEndpoint);
        Abort(DisconnectReason.ConnectionLost, $"internal error in a direct write: {ex.Message}");
    }

    /// <summary>Gives the network back; wakes the writer loop only when it has something to do (frames queued meanwhile, or the close).</summary>
    private void EndDirectWrite()
    {
        bool wake;
        lock (_gate)
        {
            _directWriting = false;
            wake = !_sendBuffer.IsEmpty || _closeInfo is not null || _aborted;
        }

        if (wake)
        {
            _writerSignal.Set();
        }
    }
}
