using PeerSync.Remote.Framing;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Endpoints;

internal sealed partial class Association
{

    /// <summary>
    /// The reader loop of one session: delivers batch entries in sequence order (skipping ones
    /// already delivered on an earlier session, refusing gaps), applies acknowledgements and answers
    /// heartbeats. Delivery happens right here (Tell to the local recipient), with no actor hop.
    /// Tells the link actor <see cref="SessionEnded"/> exactly once, when it stops.
    /// </summary>
    private async Task RunReaderAsync(SessionRun run)
    {
        var time = _remoting.TimeProvider;
        try
        {
            while (true)
            {
                var frame = await run.Session.ReceiveAsync(run.ReaderStop.Token).ConfigureAwait(false);
                if (frame is null || run.Stopping)
                {
                    break;
                }

                Interlocked.Exchange(ref _lastReceivedTimestamp, time.GetTimestamp());
                if (!Handle(run, frame))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (run.Stopping)
        {
            // Deactivated: the link stops reading here; the connection is closed by DeactivateAsync.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LinkLog.LoopFailed(_remoting.Logger, ex, _remoting.Self.Id, "reader", run.Peer.Node);
            run.Session.Close(DisconnectReason.Shutdown, $"internal error in the link reader: {ex.Message}");
        }
        finally
        {
            var closed = run.Session.Connection.CloseReason
                ?? run.StopReason
                ?? new ConnectionClosed(DisconnectReason.Shutdown, "the link stopped using the session", ByPeer: false);
            run.Link.Tell(new SessionEnded(run.Id, closed), null);
        }
    }

    /// <summary>Handles one frame; false when the session must end (it has been closed with the reason).</summary>
    private bool Handle(SessionRun run, Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.UserBatch:
                try
                {
                    var bytes = frame.UserBatch.Span;
                    var delivered = ProcessBatch(run, bytes);
                    _remoting.Metrics.Received(delivered, bytes.Length);
                    return true;
                }
                catch (BatchFormatException ex)
                {
                    return Violation(run, DisconnectReason.MalformedFrame, $"malformed user batch: {ex.Message}");
                }
                finally
                {
                    // Everything delivered was deserialized into objects of its own: the batch bytes
                    // are not referenced any more.
                    FrameCodec.Recycle(frame);
                }

            case Frame.BodyOneofCase.Ack:
                return Acknowledge(run, frame.Ack.Sequence);
            case Frame.BodyOneofCase.Heartbeat:
                if (!frame.Heartbeat.IsReply)
                {
                    var reply = frame.Heartbeat.Clone();
                    reply.IsReply = true;
                    run.Session.TrySend(new Frame { Heartbeat = reply });
                }

                return true;
            default:
                return Violation(run, DisconnectReason.MalformedFrame, $"unexpected {frame.BodyCase} frame on an established link");
        }
    }

    /// <summary>Delivers a batch's new entries; returns how many were delivered.</summary>
    private int ProcessBatch(SessionRun run, ReadOnlySpan<byte> bytes)
    {
        var reader = new BatchReader(bytes, _inbound);
        if (reader.Ack != 0 && !TryAcknowledge(reader.Ack))
        {
            throw new BatchFormatException($"it acknowledges sequence {reader.Ack}, which this node never sent");
        }

        var delivered = _delivered;
        var sequence = reader.FirstSequence;
        if (sequence > delivered + 1)
        {
            throw new BatchFormatException($"it starts at sequence {sequence} but {delivered + 1} is next: entries are missing");
        }

        var count = 0;
        while (reader.TryRead(out var entry))
        {
            if (sequence > delivered)
            {
                _remoting.Deliver(run, entry);
                delivered = sequence;
                count++;
            }

            sequence++;
        }

        Volatile.Write(ref _delivered, delivered);
        if (count > 0)
        {
            OnDelivered();
        }

        return count;
    }

    /// <summary>Releases everything up to <paramref name="sequence"/>; false (and the session closed) for an ack of something never sent.</summary>
    private bool Acknowledge(SessionRun run, ulong sequence) =>
        TryAcknowledge(sequence)
        || Violation(run, DisconnectReason.MalformedFrame, $"the peer acknowledged sequence {sequence}, which was never sent");

    private bool TryAcknowledge(ulong sequence)
    {
        bool known;
        using (_logLock.EnterScope())
        {
            known = _log.Acknowledge(sequence);
        }

        NotifyIfDrained();
        return known;
    }

    private bool Violation(SessionRun run, DisconnectReason reason, string detail)
    {
        LinkLog.ProtocolViolation(_remoting.Logger, _remoting.Self.Id, run.Peer.Node, reason, detail);
        run.Session.Close(reason, detail);
        return false;
    }
}
