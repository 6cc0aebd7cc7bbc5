using PeerSync.Actors;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Endpoints;

internal sealed partial class Association
{
    private long _lastReceivedTimestamp;
    private ulong _heartbeatSequence;

    /// <summary>
    /// The incarnation that sequence numbers and unacknowledged entries of the send direction
    /// belong to (writer-owned while a writer runs; changed only between sessions).
    /// </summary>
    private Addressing.Incarnation _sendIncarnation;

    private Addressing.Incarnation _receiveIncarnation;

    /// <summary>
    /// Starts using <paramref name="session"/>: its reader and writer loops begin, first resending
    /// what the same incarnation has not acknowledged. The previous session must have been
    /// deactivated (the link actor awaits <see cref="DeactivateAsync"/> first). Called by the link actor only.
    /// </summary>
    public void Activate(PeerSession session, long sessionId, IActorRef link)
    {
        if (_active is not null)
        {
            throw new InvalidOperationException($"link to {Peer}: a session is already active; deactivate it first");
        }

        var node = session.Peer.Node;
        var bound = _current is { } current && current.Node == node ? current : new BoundNode(node);
        if (node.Incarnation != _sendIncarnation)
        {
            // Sequence numbers run per pair of incarnations. What the previous incarnation did not
            // acknowledge may or may not have reached it: it cannot be sent again to a new process.
            if (_sendIncarnation.Value != 0)
            {
                FailUnacked(
                    RemoteDeliveryFailure.NotAcknowledged,
                    $"{Peer} restarted (incarnation {_sendIncarnation} is gone) before acknowledging; the message may or may not have been delivered");
            }

            _nextSequence = 1;
            _highestAcked = 0;
            _sendIncarnation = node.Incarnation;
        }

        if (node.Incarnation != _receiveIncarnation)
        {
            Volatile.Write(ref _delivered, 0UL);
            _receiveIncarnation = node.Incarnation;
        }

        // The last acknowledgement may have been lost with the previous connection (a reset, a
        // blackhole): acknowledge what was delivered again on this one. Otherwise the peer's
        // resent entries, all skipped as already delivered, would never be acknowledged and would
        // stay in its buffer for good.
        Volatile.Write(ref _ackSent, 0UL);

        _current = bound;
        Interlocked.Exchange(ref _lastReceivedTimestamp, _remoting.TimeProvider.GetTimestamp());
        var run = new SessionRun(session, sessionId, link, bound, new SessionWriter(_options.MaxBatchBytes, session.Connection.MaxFrameSizeBytes));
        _active = run;
        run.Writer = Task.Run(() => RunWriterAsync(run));
        run.Reader = Task.Run(() => RunReaderAsync(run));
    }

    /// <summary>
    /// Stops using the active session: it is closed with <paramref name="reason"/>, and this returns
    /// once its reader and writer have stopped, so nothing of it is read or written any more.
    /// Unacknowledged entries stay, to be resent on the next session with the same incarnation.
    /// </summary>
    public async Task DeactivateAsync(DisconnectReason reason, string detail)
    {
        var run = _active;
        if (run is null)
        {
            return;
        }

        _active = null;
        run.StopReason = new Transport.ConnectionClosed(reason, detail, ByPeer: false);
        run.Stopping = true;
        await run.ReaderStop.CancelAsync().ConfigureAwait(false);
        await run.Reader.ConfigureAwait(false);

        // Acknowledge everything delivered before saying goodbye, so the peer does not report
        // messages this node did receive as "not acknowledged" (the ack is written before the
        // Disconnect notice; on a broken connection it is simply refused).
        var delivered = Volatile.Read(ref _delivered);
        if (delivered > Volatile.Read(ref _ackSent))
        {
            Volatile.Write(ref _ackSent, delivered);
            run.Session.TrySend(new Frame { Ack = new LinkAck { Sequence = delivered } });
        }

        run.Session.Close(reason, detail);
        _signal.Set();
        await run.Writer.ConfigureAwait(false);

        // A sender may be flushing inline right now (it saw the session still active); it sees
        // Stopping or a refused send and lets go at once. The next session must not start under it.
        var spin = default(SpinWait);
        while (Volatile.Read(ref _writing) != 0)
        {
            spin.SpinOnce();
        }

        run.WriterState.Dispose();
        run.ReaderStop.Dispose();
    }

    /// <summary>The id of the active session, or null.</summary>
    public long? ActiveSessionId => _active?.Id;

    /// <summary>The active session, or null.</summary>
    public PeerSession? ActiveSession => _active?.Session;

    /// <summary>Sends a heartbeat request on the active session (the reply, like any frame, refreshes <see cref="LastReceivedTimestamp"/>).</summary>
    public void SendHeartbeat(long nowMs)
    {
        if (_active is { } run)
        {
            run.Session.TrySend(new Frame { Heartbeat = new Heartbeat { Sequence = ++_heartbeatSequence, SentAtMs = nowMs } });
        }
    }
}
