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

    /// <summary>An entry taken from the queue that did not fit the last batch, when <see cref="_hasCarry"/>; the next writer sends it first (under the take lock).</summary>
    private OutboundEnvelope _carry;

    private bool _hasCarry;

    /// <summary>The next sequence number to assign (writer-owned).</summary>
    private ulong _nextSequence = 1;

    /// <summary>The highest sequence number the peer acknowledged (under <see cref="_unackedLock"/>).</summary>
    private ulong _highestAcked;

    /// <summary>The highest sequence number delivered from the peer (reader-owned, read by the writer).</summary>
    private ulong _delivered;

    /// <summary>The highest delivered sequence number acknowledged to the peer so far.</summary>
    private ulong _ackSent;

    private int _ackTimerArmed;
    private volatile bool _ackDue;

    /// <summary>1 while someone (the writer loop, or a sender flushing inline) builds and sends batches.</summary>
    private int _writing;

    /// <summary>
    /// The writer loop of one session: resend what the peer has not acknowledged, then drain the
    /// queue into batches (as many entries as fit <see cref="Configuration.RemoteLinkOptions.MaxBatchBytes"/>),
    /// one frame per batch, waiting when the connection's send queue is full (back-pressure: the
    /// link's buffer absorbs the burst, bounded). Every batch carries the latest acknowledgement.
    /// A sender that finds the link idle sends its message itself (<see cref="TryFlushInline"/>),
    /// which saves a thread hop per message on a quiet link; under load the loop does the work.
    /// </summary>
    private async Task RunWriterAsync(SessionRun run)
    {
        // The resend position starts at 0: the first batch built (here or by an inline flush)
        // moves it to the first unacknowledged entry, so a new session resends from there.
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
            var batch = BuildBatch(run, writer);
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

            var batch = BuildBatch(run, writer);
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

            // Whether anything is left is read under the take lock (one consumer at a time); an
            // append still being linked is not seen, but its sender signals the writer after it.
            if (!Sent(run, writer, result, writer.Builder.Count, batch.Length))
            {
                return false;
            }

            lock (_takeLock)
            {
                return _queue.IsEmpty && !_hasCarry;
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
    /// Builds the next batch: unacknowledged entries first (after a reconnect), then new ones from
    /// the queue. The batch is empty (<c>Builder.Count == 0</c>) when there is nothing to send.
    /// </summary>
    private ReadOnlyMemory<byte> BuildBatch(SessionRun run, SessionWriter writer)
    {
        var builder = writer.Builder;
        builder.Reset();
        writer.Fresh.Clear();
        var first = 0UL;
        lock (_unackedLock)
        {
            if (_unacked.Count == 0)
            {
                writer.ResendNext = _nextSequence;
            }
            else if (writer.ResendNext < _unacked[0].Sequence)
            {
                writer.ResendNext = _unacked[0].Sequence;
            }

            while (writer.ResendNext < _nextSequence)
            {
                ref readonly var entry = ref _unacked[(int)(writer.ResendNext - _unacked[0].Sequence)];
                if (!Fits(builder, entry.SizeBound, writer.MaxFrameBytes))
                {
                    break;
                }

                first = first == 0 ? writer.ResendNext : first;
                if (entry.IsSystem)
                {
                    builder.AddSystem(entry.Payload);
                }
                else
                {
                    builder.AddUser(writer.Tables, entry.Recipient, entry.Sender, entry.SerializerId, entry.Manifest, entry.Payload);
                }

                writer.ResendNext++;
            }
        }

        // New entries only once everything older went out: a batch's sequence numbers are contiguous.
        if (writer.ResendNext == _nextSequence)
        {
            first = TakeNew(run, builder, writer.Tables, writer.Fresh, writer.MaxFrameBytes, first);
            writer.ResendNext = _nextSequence;
        }

        if (builder.Count == 0)
        {
            return default;
        }

        var ack = Volatile.Read(ref _delivered);
        Volatile.Write(ref _ackSent, ack);
        return builder.Finish(ack, first);
    }

    /// <summary>Moves queued entries into the batch (assigning sequence numbers) until it is full; returns the batch's first sequence number.</summary>
    private ulong TakeNew(SessionRun run, BatchBuilder builder, OutboundTables tables, List<OutboundEnvelope> fresh, int maxFrame, ulong first)
    {
        lock (_takeLock)
        {
            first = TakeNewLocked(run, builder, tables, fresh, maxFrame, first);
        }

        if (fresh.Count > 0)
        {
            lock (_unackedLock)
            {
                foreach (var envelope in fresh)
                {
                    _unacked.Add(envelope);
                }
            }

            fresh.Clear();
        }

        return first;
    }

    /// <summary>
    /// The per-message loop of <see cref="TakeNew"/>. It writes no field of the association per
    /// message (the sequence counter lives in a local until the end, the carried entry is plain
    /// under the take lock): senders read those cache lines at every Tell, and a write here would
    /// pull them over to this core each time. It reads what it needs from the association once,
    /// for the same reason in reverse (senders write the buffer counter at every Tell).
    /// </summary>
    private ulong TakeNewLocked(SessionRun run, BatchBuilder builder, OutboundTables tables, List<OutboundEnvelope> fresh, int maxFrame, ulong first)
    {
        var next = _nextSequence;
        var maxBatchBytes = _options.MaxBatchBytes;
        var peer = run.Peer;
        var queue = _queue;
        var carried = _hasCarry;
        var envelope = _carry;
        _hasCarry = false;
        _carry = default;
        while (carried || queue.TryDequeue(out envelope))
        {
            carried = false;
            if (envelope.Target is { } target && target.Node != peer.Node)
            {
                // Told for an incarnation that has since been replaced by a restart.
                Release(envelope);
                _remoting.Undeliverable(envelope, RemoteDeliveryFailure.Quarantined, $"incarnation {target.Node} is gone; {peer.Node} is running now");
                continue;
            }

            if (!Fits(builder, envelope.SizeBound, maxFrame, maxBatchBytes))
            {
                _carry = envelope;
                _hasCarry = true;
                break;
            }

            envelope.Sequence = next++;
            if (envelope.Target is null)
            {
                envelope.Target = envelope.Recipient.BindIfUnbound(peer);
            }

            first = first == 0 ? envelope.Sequence : first;
            Add(builder, tables, envelope);
            fresh.Add(envelope);
        }

        _nextSequence = next;
        return first;
    }

    private bool Fits(BatchBuilder builder, int sizeBound, int maxFrame) => Fits(builder, sizeBound, maxFrame, _options.MaxBatchBytes);

    private static bool Fits(BatchBuilder builder, int sizeBound, int maxFrame, int maxBatchBytes) =>
        builder.Count == 0
        || (builder.EntryBytes + sizeBound <= maxBatchBytes
            && BatchLayout.HeaderReserveBytes + builder.EntryBytes + sizeBound + BatchLayout.FrameOverheadBytes <= maxFrame);

    private static void Add(BatchBuilder builder, OutboundTables tables, in OutboundEnvelope envelope)
    {
        if (envelope.IsSystem)
        {
            builder.AddSystem(envelope.Payload);
        }
        else
        {
            builder.AddUser(tables, envelope.Recipient, envelope.Sender, envelope.SerializerId, envelope.Manifest, envelope.Payload);
        }
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
