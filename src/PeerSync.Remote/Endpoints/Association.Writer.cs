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

    /// <summary>1 while someone (a sender, the connection's writer, or the writer loop) builds and sends a batch.</summary>
    private int _writing;

    /// <summary>
    /// The writer loop of one session: starts the session's sending (unacknowledged entries first
    /// after a reconnect) and does what the other senders hand it: a batch the connection could
    /// not take (sent with back-pressure), a standalone acknowledgement that fell due. Batches
    /// themselves go out through <see cref="Pump"/>, from whichever thread finds the connection idle.
    /// </summary>
    private async Task RunWriterAsync(SessionRun run)
    {
        try
        {
            while (!run.Stopping)
            {
                if (run.WriterState.Unsent is not null && !await SendUnsentAsync(run).ConfigureAwait(false))
                {
                    break;
                }

                Pump(run);
                await _signal.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LinkLog.LoopFailed(_remoting.Logger, ex, _remoting.Self.Id, "writer", run.Peer.Node);
            run.Session.Close(DisconnectReason.Shutdown, $"internal error in the link writer: {ex.Message}");
        }
    }

    /// <summary>Sends the batch an earlier send left over, waiting for queue space; false when the session refused it (it is closing).</summary>
    private async Task<bool> SendUnsentAsync(SessionRun run)
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            // Whoever holds the flag sees the batch waiting and signals this loop again.
            return true;
        }

        try
        {
            var writer = run.WriterState;
            var unsent = writer.Unsent!;
            writer.Unsent = null;
            var frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(unsent) };
            return Sent(run, writer, await run.Session.SendAsync(frame).ConfigureAwait(false), writer.UnsentCount, unsent.Length);
        }
        finally
        {
            Interlocked.Exchange(ref _writing, 0);
        }
    }

    /// <summary>
    /// Sends the next batch if the connection has written everything it was given; otherwise the
    /// connection calls this again (its drained handler) once it has. So a batch takes everything
    /// told during the previous write: under load few large frames, when quiet each message at
    /// once. (A connection that never calls back gets each batch at once instead, see
    /// <see cref="TakesBatch"/>.) Called by senders after appending, by the connection's writer,
    /// and by the writer loop; never blocks. Whoever finds another thread sending leaves it to that thread, which
    /// looks again after letting go of the flag (so nothing is left behind unsent).
    /// </summary>
    private void Pump(SessionRun run)
    {
        do
        {
            if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }

            try
            {
                SendNextBatch(run);
            }
            finally
            {
                // A full fence: a thread that failed to take the flag made its work visible before
                // that, so the look below sees it.
                Interlocked.Exchange(ref _writing, 0);
            }
        }
        while (HasWorkFor(run));
    }

    /// <summary>Builds and queues one batch (or a due acknowledgement) while the connection is idle; called with the writer flag held.</summary>
    private void SendNextBatch(SessionRun run)
    {
        var writer = run.WriterState;
        if (!ConnectionIdle(run))
        {
            return;
        }

        if (writer.Unsent is not null)
        {
            _signal.Set();
            return;
        }

        var batch = BuildBatch(writer);
        if (writer.Builder.Count == 0)
        {
            SendAckIfDue(run);
            return;
        }

        var frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(batch) };
        var result = run.Session.TrySend(frame);
        if (result == SendResult.QueueFull)
        {
            // Its entries are numbered and unacknowledged already: the loop must send exactly
            // this batch next, so keep a copy of it.
            writer.Unsent = batch.ToArray();
            writer.UnsentCount = writer.Builder.Count;
            _signal.Set();
            return;
        }

        Sent(run, writer, result, writer.Builder.Count, batch.Length);
    }

    /// <summary>Whether <paramref name="run"/> is the active session and its connection takes a batch now (<see cref="TakesBatch"/>).</summary>
    private bool ConnectionIdle(SessionRun run) =>
        !run.Stopping && ReferenceEquals(_active, run) && TakesBatch(run);

    /// <summary>
    /// Whether <paramref name="run"/>'s connection takes the next batch now: it has written everything
    /// it was given, or it never calls back when it has (<see cref="SessionRun.AwaitsDrain"/>), in
    /// which case waiting for it would leave what was told meanwhile unsent.
    /// </summary>
    private static bool TakesBatch(SessionRun run) =>
        !run.AwaitsDrain || run.Session.Connection.QueuedBytes == 0;

    /// <summary>Whether the connection is idle while entries wait unsent or an acknowledgement is due.</summary>
    private bool HasWorkFor(SessionRun run)
    {
        if (!ConnectionIdle(run) || run.WriterState.Unsent is not null)
        {
            return false;
        }

        var unacknowledged = Volatile.Read(ref _delivered) - Volatile.Read(ref _ackSent);
        if (unacknowledged >= AckImmediatelyAfter || (unacknowledged > 0 && _ackDue))
        {
            return true;
        }

        using (_logLock.EnterScope())
        {
            return _log.SendNext < _log.NextSequence;
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
        using (_logLock.EnterScope())
        {
            if (!_log.Take(out slice))
            {
                return default;
            }
        }

        builder.AddEncoded(slice.Bytes, slice.Count);
        using (_logLock.EnterScope())
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
