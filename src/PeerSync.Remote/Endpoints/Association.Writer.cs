using Google.Protobuf;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Endpoints;

internal sealed partial class Association
{
    /// <summary>Standalone acknowledgements go out at once after this many undelivered-to-the-peer acks; fewer wait for <see cref="Configuration.RemoteLinkOptions.AckDelay"/>.</summary>
    private const ulong AckImmediatelyAfter = 512;

    private readonly ITimer _ackTimer;

    /// <summary>The highest sequence number delivered from the peer (reader-owned, read by the writer).</summary>
    private ulong _delivered;

    /// <summary>The highest delivered sequence number acknowledged to the peer so far.</summary>
    private ulong _ackSent;

    private int _ackTimerArmed;
    private volatile bool _ackDue;

    /// <summary>1 while someone (the writer loop, or a sender flushing inline) builds and sends batches.</summary>
    private int _writing;

    /// <summary>
    /// The writer loop of one session: resend what the peer has not acknowledged, then send what
    /// senders append to the log, a run of one chunk of it per frame, waiting when the connection's
    /// send queue is full (back-pressure: the log absorbs the burst, bounded). Every batch carries
    /// the latest acknowledgement.
    /// A sender that finds the link idle sends its message itself (<see cref="TryFlushInline"/>),
    /// which saves a thread hop per message on a quiet link; under load the loop does the work.
    /// </summary>
    private async Task RunWriterAsync(SessionRun run)
    {
        var writer = run.WriterState;
        try
        {
            while (!run.Stopping)
            {
                if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
                {
                    bool open;
                    try
                    {
                        open = await DrainAsync(run, writer).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref _writing, 0);
                    }

                    if (!open)
                    {
                        break;
                    }
                }

                await _signal.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LinkLog.LoopFailed(_remoting.Logger, ex, _remoting.Self.Id, "writer", run.Peer.Node);
            run.Session.Close(DisconnectReason.Shutdown, $"internal error in the link writer: {ex.Message}");
        }
    }

    /// <summary>Sends batches until nothing is left; false when the session refused one (it is closing).</summary>
    private async Task<bool> DrainAsync(SessionRun run, SessionWriter writer)
    {
        if (writer.Unsent is { } unsent)
        {
            writer.Unsent = null;
            var pending = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(unsent) };
            if (!Sent(run, writer, await run.Session.SendAsync(pending).ConfigureAwait(false), writer.UnsentCount, unsent.Length))
            {
                return false;
            }
        }

        while (!run.Stopping)
        {
            var batch = BuildBatch(writer);
            if (writer.Builder.Count == 0)
            {
                SendAckIfDue(run);
                return true;
            }

            var frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(batch) };
            if (!Sent(run, writer, await run.Session.SendAsync(frame).ConfigureAwait(false), writer.Builder.Count, batch.Length))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Called by a sender right after it queued a message: when nobody is writing and the
    /// connection has nothing queued, build and queue the batch on this thread (never waiting).
    /// Returns false when the writer loop must take over.
    /// </summary>
    private bool TryFlushInline(SessionRun run)
    {
        if (Volatile.Read(ref _writing) != 0 || run.Session.Connection.QueuedBytes != 0
            || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            var writer = run.WriterState;
            if (run.Stopping || !ReferenceEquals(_active, run) || writer.Unsent is not null)
            {
                return false;
            }

            var batch = BuildBatch(writer);
            if (writer.Builder.Count == 0)
            {
                return true;
            }

            var frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(batch) };
            var result = run.Session.TrySend(frame);
            if (result == SendResult.QueueFull)
            {
                // Its entries are numbered and unacknowledged already: the loop must send exactly
                // this batch next, so keep a copy of it.
                writer.Unsent = batch.ToArray();
                writer.UnsentCount = writer.Builder.Count;
                return false;
            }

            // A sender that appends after this look signals the writer itself (it sees the flag).
            if (!Sent(run, writer, result, writer.Builder.Count, batch.Length))
            {
                return false;
            }

            lock (_logLock)
            {
                return _log.SendNext == _log.NextSequence;
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Accounts a batch the connection took; false (after closing on a bug) when it did not.</summary>
    private bool Sent(SessionRun run, SessionWriter writer, SendResult result, int entries, int bytes)
    {
        if (result == SendResult.Accepted)
        {
            _remoting.Metrics.Sent(entries, bytes);
            return true;
        }

        // Closed: the session is going away; what was in the batch stays unacknowledged and goes
        // out again on the next session. (FrameTooLarge cannot happen: every entry was checked
        // against max-frame-size when told, and batches respect it.)
        if (result == SendResult.FrameTooLarge)
        {
            run.Session.Close(DisconnectReason.Shutdown, $"internal error: a batch of {bytes} bytes exceeded max-frame-size {writer.MaxFrameBytes}");
        }

        return false;
    }

    /// <summary>
    /// Builds the next batch: a copy of the next run of the log, unacknowledged entries first after
    /// a reconnect. The batch is empty (<c>Builder.Count == 0</c>) when there is nothing to send.
    /// The log's bytes are copied outside its lock, so senders keep appending meanwhile; the log
    /// holds that chunk back from the pool until the copy is done.
    /// </summary>
    private ReadOnlyMemory<byte> BuildBatch(SessionWriter writer)
    {
        var builder = writer.Builder;
        builder.Reset();
        LogSlice slice;
        lock (_logLock)
        {
            if (!_log.Take(out slice))
            {
                return default;
            }
        }

        builder.AddEncoded(slice.Bytes, slice.Count);
        lock (_logLock)
        {
            _log.Release(slice);
        }

        var ack = Volatile.Read(ref _delivered);
        Volatile.Write(ref _ackSent, ack);
        return builder.Finish(ack, slice.FirstSequence);
    }

    /// <summary>
    /// Sends a standalone acknowledgement when there is no batch to carry it: at once when many
    /// deliveries are unacknowledged, otherwise after the ack delay (a reply batch usually comes
    /// first and carries it for free).
    /// </summary>
    private void SendAckIfDue(SessionRun run)
    {
        var delivered = Volatile.Read(ref _delivered);
        var sent = Volatile.Read(ref _ackSent);
        if (delivered <= sent)
        {
            return;
        }

        if (delivered - sent < AckImmediatelyAfter && !_ackDue)
        {
            ArmAckTimer();
            return;
        }

        _ackDue = false;
        Volatile.Write(ref _ackSent, delivered);
        run.Session.TrySend(new Frame { Ack = new LinkAck { Sequence = delivered } });
    }

    /// <summary>Called by the reader after it delivered a batch: the writer acknowledges soon.</summary>
    private void OnDelivered()
    {
        var pending = Volatile.Read(ref _delivered) - Volatile.Read(ref _ackSent);
        if (pending >= AckImmediatelyAfter)
        {
            _signal.Set();
        }
        else if (pending > 0)
        {
            ArmAckTimer();
        }
    }

    private void ArmAckTimer()
    {
        if (Interlocked.Exchange(ref _ackTimerArmed, 1) == 0)
        {
            _ackTimer.Change(_options.AckDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnAckTimer()
    {
        Volatile.Write(ref _ackTimerArmed, 0);
        _ackDue = true;
        _signal.Set();
    }
}
