using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// Everything this node holds for one peer node (by <see cref="NodeId"/>, across its incarnations):
/// the outbound buffer that remote refs append to, the sent-but-unacknowledged entries, the
/// sequence numbers in both directions, and the reader and writer loops of the active session.
/// The PeerLink actor decides which session is active (<see cref="Activate"/> /
/// <see cref="DeactivateAsync"/>); messages never pass through the actor. See
/// docs/design/remote-links.md ("Data plane").
/// </summary>
internal sealed partial class Association
{
    private readonly Remoting _remoting;
    private readonly RemoteLinkOptions _options;

    /// <summary>Guards <see cref="_log"/> and <see cref="_sendIncarnation"/>.</summary>
    private readonly BriefLock _logLock = new();

    /// <summary>What senders told, encoded, from the oldest unacknowledged entry on.</summary>
    private readonly OutboundLog _log;

    private readonly AsyncSignal _signal = new();
    private readonly object _drainLock = new();
    private TaskCompletionSource? _drained;

    private volatile BoundNode? _current;
    private volatile string? _closedReason;
    private volatile Incarnation[] _quarantined = [];
    private volatile SessionRun? _active;

    public Association(Remoting remoting, NodeId peer)
    {
        _remoting = remoting;
        _options = remoting.Options.Link;
        _log = new OutboundLog(_options.MaxBatchBytes);
        Peer = peer;
        _quarantined = remoting.QuarantinedIncarnationsOf(peer);
        _ackTimer = remoting.TimeProvider.CreateTimer(
            static state => ((Association)state!).OnAckTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public NodeId Peer { get; }

    /// <summary>
    /// The peer's incarnation of the last session activated; null before the first. The one record of
    /// the incarnation the link last had a session with: it outlives restarts of the link's actor and
    /// the link itself, and every machine the link makes starts knowing it (PeerLinkActor), so meeting
    /// the peer's next incarnation quarantines it.
    /// </summary>
    public BoundNode? Current => _current;

    /// <summary>Why the link is closed (messages are dead-lettered); null while it is open.</summary>
    public string? ClosedReason => _closedReason;

    public bool IsConnected => _active is not null;

    /// <summary>Messages waiting to be sent or acknowledged.</summary>
    public long BufferedCount => _log.LiveCount;

    /// <summary>The size bounds of <see cref="BufferedCount"/>'s messages.</summary>
    public long BufferedBytes => _log.LiveBytes;

    /// <summary>When the active session last received a frame (TimeProvider timestamp).</summary>
    public long LastReceivedTimestamp => Interlocked.Read(ref _lastReceivedTimestamp);

    public bool IsQuarantined(Incarnation incarnation)
    {
        foreach (var quarantined in _quarantined)
        {
            if (quarantined == incarnation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Appends a message for the peer. Never blocks: a message that cannot be taken (link closed,
    /// target incarnation quarantined or replaced, buffer full) is dead-lettered with the reason at once.
    /// </summary>
    public void Enqueue(in OutboundEnvelope envelope)
    {
        var target = envelope.Recipient.Bound;
        if (target is null && _current is { } current && !IsQuarantined(current.Node.Incarnation))
        {
            // A ref that never met the node is bound to the incarnation running there now; while
            // that one is quarantined it stays unbound, for the next incarnation.
            target = envelope.Recipient.BindIfUnbound(current);
        }

        if (target is not null && IsQuarantined(target.Node.Incarnation))
        {
            _remoting.Undeliverable(envelope, RemoteDeliveryFailure.Quarantined, $"incarnation {target.Node} is quarantined");
            return;
        }

        (RemoteDeliveryFailure Failure, string Reason)? refused;
        SessionRun? run = null;
        var connectionIdle = false;
        using (_logLock.EnterScope())
        {
            refused = Accepts(envelope, target) ? null : Refusal(envelope, target);
            if (refused is null)
            {
                Append(envelope);

                // Looked at under the lock: a connection that finishes writing after this look
                // calls back (Pump) and finds the entry; one that finished before is seen idle
                // (one that never calls back is always taken as idle: see SessionRun.AwaitsDrain).
                run = _active;
                connectionIdle = run is not null && TakesBatch(run);
            }
        }

        if (refused is { } refusal)
        {
            _remoting.Undeliverable(envelope, refusal.Failure, refusal.Reason);
            return;
        }

        // Without a session, the next one sends everything from the start; while the connection
        // writes, it takes this entry with the next batch when done.
        if (connectionIdle)
        {
            Pump(run!);
        }
    }

    /// <summary>Whether the log takes <paramref name="envelope"/> (under the log lock); <see cref="Refusal"/> says why not.</summary>
    private bool Accepts(in OutboundEnvelope envelope, BoundNode? target) =>
        _closedReason is null && !IsReplaced(target) && !IsFull(envelope);

    /// <summary>Why the log cannot take <paramref name="envelope"/> (under the log lock), when <see cref="Accepts"/> is false.</summary>
    private (RemoteDeliveryFailure Failure, string Reason) Refusal(in OutboundEnvelope envelope, BoundNode? target)
    {
        if (_closedReason is { } closed)
        {
            return (RemoteDeliveryFailure.PeerGone, $"the link to {Peer} is closed: {closed}");
        }

        if (IsReplaced(target))
        {
            return (RemoteDeliveryFailure.Quarantined, $"incarnation {target!.Node} is gone; incarnation {_sendIncarnation} is running now");
        }

        return (RemoteDeliveryFailure.BufferFull, $"the buffer for {Peer} is full ({_log.LiveCount} messages, {_log.LiveBytes} bytes; link.buffer-messages {_options.BufferMessages}, link.buffer-size {_options.BufferBytes} bytes) while the link is {(IsConnected ? "connected but the peer is slower" : "connecting")}");
    }

    /// <summary>
    /// Told for an incarnation that a restart replaced and that is not quarantined. Links quarantine
    /// the incarnation they replace before activating the new one (also a link made anew after its
    /// actor was stopped for good: it starts knowing <see cref="Current"/>), so this is reached only
    /// by a sender that checked the quarantine just before (the check is made before the lock, the
    /// activation under it; docs/design/remote-links.md, "Remote refs").
    /// </summary>
    private bool IsReplaced(BoundNode? target) =>
        target is not null && _sendIncarnation.Value != 0 && target.Node.Incarnation != _sendIncarnation;

    /// <summary>
    /// Whether the buffer limits leave no room for <paramref name="envelope"/>. System messages (watch,
    /// unwatch, terminated) are few and must not be lost to a burst of user messages: they are
    /// counted but never refused.
    /// </summary>
    private bool IsFull(in OutboundEnvelope envelope) =>
        !envelope.IsSystem && (_log.LiveCount >= _options.BufferMessages || _log.LiveBytes + envelope.SizeBound > _options.BufferBytes);

    /// <summary>Encodes <paramref name="envelope"/> at the end of the log (under the log lock).</summary>
    private void Append(in OutboundEnvelope envelope)
    {
        if (envelope.IsSystem)
        {
            _log.AppendSystem(envelope.Recipient, envelope.Message, envelope.Payload, envelope.SizeBound);
        }
        else
        {
            _log.AppendUser(envelope.Recipient, envelope.Sender, envelope.Message, envelope.SerializerId, envelope.Manifest, envelope.Payload, envelope.SizeBound);
        }
    }

    public void MarkQuarantined(Incarnation incarnation)
    {
        lock (_drainLock)
        {
            if (!IsQuarantined(incarnation))
            {
                _quarantined = [.. _quarantined.TakeLast(63), incarnation];
            }
        }
    }

    /// <summary>Closes the link for good: everything buffered is dead-lettered, and so is everything told later (until <see cref="Reopen"/>).</summary>
    public void Close(RemoteDeliveryFailure failure, string reason)
    {
        _closedReason = reason;
        List<LogEntry> sent = [];
        List<LogEntry> unsent = [];
        using (_logLock.EnterScope())
        {
            _log.Fail(sent, unsent);
        }

        NotifyIfDrained();
        var detail = $"the link to {Peer} is closed: {reason}";
        foreach (var entry in unsent)
        {
            _remoting.Undeliverable(entry, failure, detail);
        }

        foreach (var entry in sent)
        {
            _remoting.Undeliverable(entry, failure, detail + " (sent, not acknowledged)");
        }
    }

    /// <summary>A new link starts for the peer (connect request or the peer dialed): accept messages again.</summary>
    public void Reopen() => _closedReason = null;

    /// <summary>Completes once nothing is buffered (everything sent was acknowledged), or when <paramref name="cancellationToken"/> fires.</summary>
    public Task WhenDrainedAsync(CancellationToken cancellationToken)
    {
        lock (_drainLock)
        {
            if (BufferedCount == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    private void NotifyIfDrained()
    {
        if (BufferedCount != 0 || Volatile.Read(ref _drained) is null)
        {
            return;
        }

        lock (_drainLock)
        {
            if (BufferedCount == 0)
            {
                _drained?.TrySetResult();
                _drained = null;
            }
        }
    }
}
