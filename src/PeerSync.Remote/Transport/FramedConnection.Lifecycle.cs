using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Transport;

internal sealed partial class FramedConnection
{
    private readonly ITimer _stallTimer;

    /// <summary>Timestamp (TimeProvider ticks) when the pending write began, or 0 when none is pending.</summary>
    private long _writePendingSince;

    private static bool CanNotify(DisconnectReason reason) =>
        reason is not DisconnectReason.PeerStoppedReading and not DisconnectReason.ConnectionLost;

    /// <summary>
    /// Records the close reason (the first one wins), refuses further sends, queues the notice and
    /// wakes the reader and writer. The writer loop then finishes the close.
    /// </summary>
    private void BeginClose(DisconnectReason reason, string detail, bool byPeer, bool notifyPeer)
    {
        lock (_gate)
        {
            if (_closeInfo is not null)
            {
                return;
            }

            _closeInfo = new ConnectionClosed(reason, detail, byPeer);
            if (notifyPeer && CanNotify(reason))
            {
                var notice = new Frame { Disconnect = new Disconnect { Reason = reason, Detail = detail } };
                _sendBuffer.Append(notice, notice.CalculateSize());
            }

            SignalSpaceLocked();
        }

        _duplex.Input.CancelPendingRead();
        _writerSignal.Set();
    }

    /// <summary>Closes at once without writing anything more: the network failed or the peer stalled.</summary>
    private void Abort(DisconnectReason reason, string detail)
    {
        lock (_gate)
        {
            _closeInfo ??= new ConnectionClosed(reason, detail, ByPeer: reason == DisconnectReason.ConnectionLost);
            if (_aborted)
            {
                return;
            }

            _aborted = true;
            SignalSpaceLocked();
        }

        _duplex.Abort();
        _writerSignal.Set();
    }

    /// <summary>
    /// Fault injection (<see cref="Faults.FaultInjector.Reset"/>), first step: records why the
    /// connection is about to be reset. Both ends of a connection are marked before either is
    /// reset, so each reports the reset rather than the close of the end reset first.
    /// </summary>
    internal void MarkReset(string detail)
    {
        lock (_gate)
        {
            _closeInfo ??= new ConnectionClosed(DisconnectReason.ConnectionLost, detail, ByPeer: true);
        }
    }

    /// <summary>
    /// Fault injection, second step: fails the connection at once as a TCP reset would: what is
    /// queued is discarded, no Disconnect notice is written, and the close reads as a lost connection.
    /// </summary>
    internal void Reset(string detail) => Abort(DisconnectReason.ConnectionLost, detail);

    private async Task RunWriterAsync()
    {
        var batch = new List<SendSegment>();
        try
        {
            while (true)
            {
                bool closing;
                lock (_gate)
                {
                    if (_aborted)
                    {
                        break;
                    }

                    _sendBuffer.TakeAll(batch);
                    closing = _closeInfo is not null;
                }

                if (batch.Count == 0)
                {
                    if (closing)
                    {
                        break;
                    }

                    // Everything is written: the owner may hand over its next frame right here, so
                    // it goes out without a wakeup (and then the wait below returns at once).
                    _drained?.Invoke();
                    await _writerSignal.WaitAsync().ConfigureAwait(false);
                    continue;
                }

                // Release each segment as soon as it is written, so senders refill the queue while
                // the rest of the batch is still going out (no stop-and-go under load).
                for (var i = 0; i < batch.Count; i++)
                {
                    var segment = batch[i];
                    await WriteGuardedAsync(segment.Memory).ConfigureAwait(false);
                    batch[i] = default;
                    ArrayPool<byte>.Shared.Return(segment.Array);
                    lock (_gate)
                    {
                        _sendBuffer.Release(segment.Length);
                        SignalSpaceLocked();
                    }
                }

                batch.Clear();
            }
        }
        catch (Exception ex) when (IsNetworkFailure(ex))
        {
            Abort(DisconnectReason.ConnectionLost, $"send failed: {ex.Message}");
        }
        catch (Exception ex)
        {
            // A bug in this class, not a network condition. The connection cannot be trusted any
            // more; close it (so nothing hangs on Completion) and make the failure loud.
            RemoteLog.WriterFailed(_logger, ex, Id, RemoteEndpoint);
            Abort(DisconnectReason.ConnectionLost, $"internal error in the connection writer: {ex.Message}");
        }

        SendBuffer.ReturnToPool(batch);
        await FinishCloseAsync().ConfigureAwait(false);
    }

    /// <summary>Writes with the stall guard armed only when the write could not complete at once.</summary>
    private ValueTask WriteGuardedAsync(ReadOnlyMemory<byte> data)
    {
        Interlocked.Increment(ref _writeCalls);
        return GuardAgainstStallAsync(_duplex.WriteAsync(data, CancellationToken.None));
    }

    private async ValueTask GuardAgainstStallAsync(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        Volatile.Write(ref _writePendingSince, _settings.TimeProvider.GetTimestamp());
        _stallTimer.Change(_settings.WriteStallTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writePendingSince, 0);
            _stallTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnStallTimer()
    {
        var since = Volatile.Read(ref _writePendingSince);
        if (since == 0)
        {
            return;
        }

        var stalled = _settings.TimeProvider.GetElapsedTime(since);
        if (stalled < _settings.WriteStallTimeout)
        {
            // A later write re-armed the timer after an earlier one finished: wait out the rest.
            _stallTimer.Change(_settings.WriteStallTimeout - stalled, Timeout.InfiniteTimeSpan);
            return;
        }

        long queued;
        lock (_gate)
        {
            queued = _sendBuffer.QueuedBytes;
        }

        Abort(
            DisconnectReason.PeerStoppedReading,
            string.Create(
                CultureInfo.InvariantCulture,
                $"peer stopped reading: a write made no progress for {(long)stalled.TotalMilliseconds} ms (write-stall-timeout {(long)_settings.WriteStallTimeout.TotalMilliseconds} ms) with {queued} bytes queued"));
    }

    private async Task FinishCloseAsync()
    {
        bool aborted;
        lock (_gate)
        {
            aborted = _aborted;
        }

        using var linger = new CancellationTokenSource(_settings.CloseLingerTimeout, _settings.TimeProvider);
        if (!aborted)
        {
            try
            {
                await GuardAgainstStallAsync(_duplex.CompleteOutputAsync()).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNetworkFailure(ex) || ex is InvalidOperationException)
            {
                // The peer is already gone; there is nothing left to say to it.
            }
        }

        var readerRetired = await RetireReaderAsync(linger.Token).ConfigureAwait(false);
        if (!aborted && readerRetired)
        {
            await DrainInputAsync(linger.Token).ConfigureAwait(false);
        }

        ConnectionClosed info;
        lock (_gate)
        {
            _aborted = true;
            _sendBuffer.Clear();
            info = _closeInfo!;
        }

        await _stallTimer.DisposeAsync().ConfigureAwait(false);
        await _duplex.DisposeAsync().ConfigureAwait(false);
        LogClosed(info);
        _counters.ConnectionClosed();
        _completion.TrySetResult(info);
    }

    private void LogClosed(ConnectionClosed info)
    {
        var level = info.Reason switch
        {
            DisconnectReason.Shutdown or DisconnectReason.ConnectionLost => LogLevel.Debug,
            _ when info.ByPeer => LogLevel.Information,
            _ => LogLevel.Warning,
        };
        RemoteLog.ConnectionClosed(_logger, level, Id, RemoteEndpoint, info.Reason, info.ByPeer ? "peer" : "local", info.Detail);
    }
}
