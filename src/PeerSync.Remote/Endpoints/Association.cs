using System.Collections.Concurrent;
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

    /// <summary>
    /// What senders told and the writer has not taken yet, as structs in the queue's own segments.
    /// The queue reuses a segment as a ring for as long as the backlog fits it and grows by doubling
    /// when it does (to at most about twice link.buffer-messages slots), so steady traffic
    /// allocates nothing here; it is never peeked or enumerated, which would freeze a segment
    /// against reuse. Senders each append with one compare-and-swap on the tail.
    /// </summary>
    private readonly ConcurrentQueue<OutboundEnvelope> _queue = new();

    /// <summary>
    /// Held while taking from <see cref="_queue"/>, so that the carried entry and the queue are
    /// taken in order by one consumer: the writer for a whole batch, or <see cref="DrainAll"/>
    /// (closing can race with a writer).
    /// </summary>
    private readonly object _takeLock = new();
    private readonly AsyncSignal _signal = new();
    private readonly object _unackedLock = new();
    private readonly EnvelopeRing _unacked = new();
    private readonly object _drainLock = new();
    private TaskCompletionSource? _drained;

    /// <summary>Bits of <see cref="_buffered"/> below the message count: the byte count (up to 1 TiB).</summary>
    private const int CountShift = 40;

    private const long BytesMask = (1L << CountShift) - 1;

    /// <summary>
    /// Entries buffered (queued or unacknowledged) in the high bits and their size bound in the
    /// low bits, so that one interlocked add accounts for a message on the send path and one for
    /// a whole acknowledgement on the receive path. The buffer limits apply to these.
    /// </summary>
    private long _buffered;

    private volatile BoundNode? _current;
    private volatile string? _closedReason;
    private volatile Incarnation[] _quarantined = [];
    private volatile SessionRun? _active;

    public Association(Remoting remoting, NodeId peer)
    {
        _remoting = remoting;
        _options = remoting.Options.Link;
        Peer = peer;
        _quarantined = remoting.QuarantinedIncarnationsOf(peer);
        _ackTimer = remoting.TimeProvider.CreateTimer(
            static state => ((Association)state!).OnAckTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public NodeId Peer { get; }

    /// <summary>The peer's incarnation as last seen in a handshake; null before the first session.</summary>
    public BoundNode? Current => _current;

    /// <summary>Why the link is closed (messages are dead-lettered); null while it is open.</summary>
    public string? ClosedReason => _closedReason;

    public bool IsConnected => _active is not null;

    /// <summary>Messages waiting to be sent or acknowledged.</summary>
    public long BufferedCount => Interlocked.Read(ref _buffered) >> CountShift;

    public long BufferedBytes => Interlocked.Read(ref _buffered) & BytesMask;

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
    /// target incarnation quarantined, buffer full) is dead-lettered with the reason at once.
    /// </summary>
    public void Enqueue(OutboundEnvelope envelope)
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

        envelope.Target = target;
        if (_closedReason is { } closed)
        {
            _remoting.Undeliverable(envelope, RemoteDeliveryFailure.PeerGone, $"the link to {Peer} is closed: {closed}");
            return;
        }

        var buffered = Interlocked.Add(ref _buffered, (1L << CountShift) | (uint)envelope.SizeBound);
        var count = buffered >> CountShift;
        var bytes = buffered & BytesMask;
        // System messages (watch, unwatch, terminated) are few and must not be lost to a burst of
        // user messages: they are counted but never refused.
        if (!envelope.IsSystem && (count > _options.BufferMessages || bytes > _options.BufferBytes))
        {
            Release(envelope);
            _remoting.Undeliverable(
                envelope,
                RemoteDeliveryFailure.BufferFull,
                $"the buffer for {Peer} is full ({count - 1} messages, {bytes - envelope.SizeBound} bytes; link.buffer-messages {_options.BufferMessages}, link.buffer-size {_options.BufferBytes} bytes) while the link is {(IsConnected ? "connected but the peer is slower" : "connecting")}");
            return;
        }

        _queue.Enqueue(envelope);
        if (_closedReason is not null)
        {
            // Closed while this message was being added: nobody else will look at the queue again.
            DrainAll(RemoteDeliveryFailure.PeerGone, $"the link to {Peer} is closed: {_closedReason}");
            return;
        }

        if (_active is { } run && TryFlushInline(run))
        {
            return;
        }

        _signal.Set();
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
        DrainAll(failure, $"the link to {Peer} is closed: {reason}");
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

    private void Release(in OutboundEnvelope envelope) => Release(1, envelope.SizeBound);

    /// <summary>Takes <paramref name="count"/> entries of <paramref name="bytes"/> in all off the buffer.</summary>
    private void Release(long count, long bytes)
    {
        if (Interlocked.Add(ref _buffered, -((count << CountShift) | bytes)) >> CountShift == 0)
        {
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

    /// <summary>Dead-letters everything queued and unacknowledged. Only while no writer runs (or the link is closed).</summary>
    private void DrainAll(RemoteDeliveryFailure failure, string reason)
    {
        List<OutboundEnvelope> taken = [];
        lock (_takeLock)
        {
            if (_hasCarry)
            {
                _hasCarry = false;
                taken.Add(_carry);
                _carry = default;
            }

            while (_queue.TryDequeue(out var queued))
            {
                taken.Add(queued);
            }
        }

        foreach (var envelope in taken)
        {
            Release(envelope);
            _remoting.Undeliverable(envelope, failure, reason);
        }

        FailUnacked(failure, reason + " (sent, not acknowledged)");
    }

    private void FailUnacked(RemoteDeliveryFailure failure, string reason)
    {
        List<OutboundEnvelope> failed = [];
        lock (_unackedLock)
        {
            while (_unacked.Count > 0)
            {
                failed.Add(_unacked.RemoveFirst());
            }
        }

        foreach (var envelope in failed)
        {
            Release(envelope);
            _remoting.Undeliverable(envelope, failure, reason);
        }
    }
}
