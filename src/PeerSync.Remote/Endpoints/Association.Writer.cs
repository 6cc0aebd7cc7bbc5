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

    /// <summary>An entry taken from the queue that did not fit the last batch; the next writer sends it first.</summary>
    private OutboundEnvelope? _carry;

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

    /// <summary>
    /// The writer loop of one session: resend what the peer has not acknowledged, then drain the
    /// queue into batches (as many entries as fit <see cref="Configuration.RemoteLinkOptions.MaxBatchBytes"/>),
    /// one frame per batch, waiting when the connection's send queue is full (back-pressure: the
    /// link's buffer absorbs the burst, bounded). Every batch carries the latest acknowledgement.
    /// </summary>
    private async Task RunWriterAsync(SessionRun run)
    {
        using var builder = new BatchBuilder(_options.MaxBatchBytes + (_options.MaxBatchBytes / 4));
        var tables = new OutboundTables();
        var fresh = new List<OutboundEnvelope>(256);
        var maxFrame = run.Session.Connection.MaxFrameSizeBytes;
        ulong resendNext;
        lock (_unackedLock)
        {
            resendNext = _unacked.Count > 0 ? _unacked[0].Sequence : _nextSequence;
        }

        try
        {
            while (!run.Stopping)
            {
                builder.Reset();
                fresh.Clear();
                var first = 0UL;
                lock (_unackedLock)
                {
                    if (_unacked.Count == 0)
                    {
                        resendNext = _nextSequence;
                    }
                    else if (resendNext < _unacked[0].Sequence)
                    {
                        resendNext = _unacked[0].Sequence;
                    }

                    while (resendNext < _nextSequence)
                    {
                        var envelope = _unacked[(int)(resendNext - _unacked[0].Sequence)];
                        if (!Fits(builder, envelope, maxFrame))
                        {
                            break;
                        }

                        first = first == 0 ? resendNext : first;
                        Add(builder, tables, envelope);
                        resendNext++;
                    }
                }

                // New entries only once everything older went out: a batch's sequence numbers are contiguous.
                if (resendNext == _nextSequence)
                {
                    first = TakeNew(run, builder, tables, fresh, maxFrame, first);
                    resendNext = _nextSequence;
                }

                if (builder.Count == 0)
                {
                    SendAckIfDue(run);
                    await _signal.WaitAsync().ConfigureAwait(false);
                    continue;
                }

                var ack = Volatile.Read(ref _delivered);
                Volatile.Write(ref _ackSent, ack);
                var batch = builder.Finish(ack, first);
                var frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(batch) };
                var result = await run.Session.SendAsync(frame).ConfigureAwait(false);
                if (result != SendResult.Accepted)
                {
                    // Closed: the session is going away; what was in the batch stays unacknowledged
                    // and goes out again on the next session. (FrameTooLarge cannot happen: every
                    // entry was checked against max-frame-size when told, and batches respect it.)
                    if (result == SendResult.FrameTooLarge)
                    {
                        run.Session.Close(DisconnectReason.Shutdown, $"internal error: a batch of {batch.Length} bytes exceeded max-frame-size {maxFrame}");
                    }

                    break;
                }

                _remoting.Metrics.Sent(builder.Count, batch.Length);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LinkLog.LoopFailed(_remoting.Logger, ex, _remoting.Self.Id, "writer", run.Peer.Node);
            run.Session.Close(DisconnectReason.Shutdown, $"internal error in the link writer: {ex.Message}");
        }
    }

    /// <summary>Moves queued entries into the batch (assigning sequence numbers) until it is full; returns the batch's first sequence number.</summary>
    private ulong TakeNew(SessionRun run, BatchBuilder builder, OutboundTables tables, List<OutboundEnvelope> fresh, int maxFrame, ulong first)
    {
        while (true)
        {
            var envelope = Interlocked.Exchange(ref _carry, null);
            if (envelope is null && !_queue.TryDequeue(out envelope))
            {
                break;
            }

            if (envelope.Target is { } target && target.Node != run.Peer.Node)
            {
                // Told for an incarnation that has since been replaced by a restart.
                Release(envelope);
                _remoting.Undeliverable(envelope, RemoteDeliveryFailure.Quarantined, $"incarnation {target.Node} is gone; {run.Peer.Node} is running now");
                continue;
            }

            if (!Fits(builder, envelope, maxFrame))
            {
                _carry = envelope;
                break;
            }

            envelope.Sequence = _nextSequence++;
            if (envelope.Target is null)
            {
                envelope.Target = envelope.Recipient.BindIfUnbound(run.Peer);
            }

            first = first == 0 ? envelope.Sequence : first;
            Add(builder, tables, envelope);
            fresh.Add(envelope);
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
        }

        return first;
    }

    private bool Fits(BatchBuilder builder, OutboundEnvelope envelope, int maxFrame) =>
        builder.Count == 0
        || (builder.EntryBytes + envelope.SizeBound <= _options.MaxBatchBytes
            && BatchLayout.HeaderReserveBytes + builder.EntryBytes + envelope.SizeBound + BatchLayout.FrameOverheadBytes <= maxFrame);

    private static void Add(BatchBuilder builder, OutboundTables tables, OutboundEnvelope envelope)
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
