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
    /// The incarnation the log is for: its sequence numbers and compression tables (under the log
    /// lock; changed only between sessions).
    /// </summary>
    private Addressing.Incarnation _sendIncarnation;

    private Addressing.Incarnation _receiveIncarnation;

    /// <summary>
    /// The peer's compression tables for what it sends here. Like sequence numbers they belong to
    /// the peer's incarnation, not to a connection: a reconnect resends entries encoded against
    /// definitions an earlier connection carried (reader-owned; reset between sessions).
    /// </summary>
    private Links.Wire.InboundTables _inbound = new();

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
        List<LogEntry> lost = [];
        List<(RemoteDeliveryFailure, LogEntry, string)> refused = [];
        var previous = _sendIncarnation;
        using (_logLock.EnterScope())
        {
            if (node.Incarnation != _sendIncarnation)
            {
                StartLogFor(bound, lost, refused);
            }

            // Everything not acknowledged goes out again, in order, before anything new.
            _log.SendNext = _log.FirstSequence;
        }

        NotifyIfDrained();
        foreach (var entry in lost)
        {
            _remoting.Undeliverable(
                entry,
                RemoteDeliveryFailure.NotAcknowledged,
                $"{Peer} restarted (incarnation {previous} is gone) before acknowledging; the message may or may not have been delivered");
        }

        foreach (var (failure, entry, reason) in refused)
        {
            _remoting.Undeliverable(entry, failure, reason);
        }

        if (node.Incarnation != _receiveIncarnation)
        {
            Volatile.Write(ref _delivered, 0UL);
            _inbound = new Links.Wire.InboundTables();
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
        // Set before the run is published: senders read it with the run. A call before that finds
        // the run inactive and does nothing; the writer loop pumps first thing.
        run.AwaitsDrain = session.Connection.TrySetDrainedHandler(() => Pump(run));
        _active = run;
        run.Writer = Task.Run(() => RunWriterAsync(run));
        run.Reader = Task.Run(() => RunReaderAsync(run));
    }

    /// <summary>
    /// Points the log at <paramref name="bound"/>, a new incarnation of the peer (under the log
    /// lock). Sequence numbers and tables run per pair of incarnations, so what the log holds is
    /// encoded again for the new one: entries the previous incarnation may or may not have had go
    /// to <paramref name="lost"/> (they cannot be sent again to a new process), and entries told
    /// for the previous incarnation to <paramref name="refused"/>. Before the first session nothing
    /// was sent: the encoding stays as it is unless an entry was meant for another incarnation.
    /// </summary>
    private void StartLogFor(BoundNode bound, List<LogEntry> lost, List<(RemoteDeliveryFailure, LogEntry, string)> refused)
    {
        var node = bound.Node;
        var first = _sendIncarnation.Value == 0;
        _sendIncarnation = node.Incarnation;
        if (first && AllFor(bound))
        {
            return;
        }

        List<(LogEntry Entry, byte[]? SystemBody)> again = [];
        _log.Restart(lost, again);

        // Serializers run here under the log lock: one that tells a remote actor fails instead of
        // waiting for the lock its own thread holds.
        _logLock.RunForeignCode(() => AppendAgain(bound, again, refused));
    }

    /// <summary>Appends the unsent entries of the previous incarnation again, serialized anew (under the log lock).</summary>
    private void AppendAgain(BoundNode bound, List<(LogEntry Entry, byte[]? SystemBody)> again, List<(RemoteDeliveryFailure, LogEntry, string)> refused)
    {
        var node = bound.Node;
        foreach (var (entry, body) in again)
        {
            var recipient = (RemoteActorRef)entry.Recipient!;
            var target = recipient.BindIfUnbound(bound);
            if (target.Node != node)
            {
                refused.Add((RemoteDeliveryFailure.Quarantined, entry, $"incarnation {target.Node} is gone; {node} is running now"));
            }
            else if (body is not null)
            {
                _log.AppendSystem(recipient, entry.Message!, body, entry.SizeBound);
            }
            else if (_remoting.TryEncode(recipient, entry.Message!, entry.Sender, out var envelope, out var failure, out var reason))
            {
                // Serialized again: the bytes were encoded against the previous incarnation's tables.
                Append(envelope);
            }
            else
            {
                refused.Add((failure, entry, reason));
            }
        }
    }

    /// <summary>Binds every entry's recipient to <paramref name="bound"/> where unbound; false when one is bound to another incarnation.</summary>
    private bool AllFor(BoundNode bound)
    {
        for (var sequence = _log.FirstSequence; sequence < _log.NextSequence; sequence++)
        {
            if (_log[sequence].Recipient is RemoteActorRef recipient && recipient.BindIfUnbound(bound).Node != bound.Node)
            {
                return false;
            }
        }

        return true;
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
        run.Session.Connection.TrySetDrainedHandler(null);
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

        // A sender or the connection's writer may be sending a batch right now (it saw the session
        // still active); it sees Stopping or a refused send and lets go at once. The next session
        // must not start under it.
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
