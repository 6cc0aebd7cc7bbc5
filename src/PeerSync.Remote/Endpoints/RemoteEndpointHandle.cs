using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// What a remote ref's address (`host:port`) leads to: the association of the node found there, or,
/// until that node is known (a seed given as host:port), a small bounded buffer while the remoting
/// actor dials the address to learn who is there. Once bound, Tell goes straight to the
/// association; messages buffered before are handed over first, in order.
/// </summary>
internal sealed class RemoteEndpointHandle(Remoting remoting, EndpointAddress address)
{
    private readonly object _gate = new();
    private List<OutboundEnvelope> _pending = [];
    private long _pendingBytes;
    private volatile Association? _association;
    private bool _discoveryRequested;

    public EndpointAddress Address { get; } = address;

    public Association? Association => _association;

    /// <summary>Messages waiting for the node at this address to be known.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public void Enqueue(in OutboundEnvelope envelope)
    {
        var association = _association;
        if (association is not null)
        {
            association.Enqueue(envelope);
            return;
        }

        var limits = remoting.Options.Link;
        bool discover;
        lock (_gate)
        {
            association = _association;
            if (association is null)
            {
                if (!envelope.IsSystem && (_pending.Count >= limits.BufferMessages || _pendingBytes + envelope.SizeBound > limits.BufferBytes))
                {
                    remoting.Undeliverable(
                        envelope,
                        RemoteDeliveryFailure.BufferFull,
                        $"the buffer for {Address} is full ({_pending.Count} messages, {_pendingBytes} bytes) while its node id is being learned");
                    return;
                }

                _pending.Add(envelope);
                _pendingBytes += envelope.SizeBound;
                discover = !_discoveryRequested;
                _discoveryRequested = true;
            }
            else
            {
                discover = false;
            }
        }

        if (association is not null)
        {
            association.Enqueue(envelope);
        }
        else if (discover)
        {
            remoting.RequestDiscovery(Address);
        }
    }

    /// <summary>Points the address at <paramref name="association"/>, handing over what was buffered (in order, before anything told later).</summary>
    public void Bind(Association association)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_association, association))
            {
                return;
            }

            // Under the lock, before publishing: a Tell that sees the association afterwards comes
            // after every buffered message.
            foreach (var envelope in _pending)
            {
                association.Enqueue(envelope);
            }

            _pending = [];
            _pendingBytes = 0;
            _discoveryRequested = false;
            _association = association;
        }
    }

    /// <summary>Dead-letters what is buffered (the node shuts down); later Tells still buffer until the remoting stops them.</summary>
    public void FailPending(RemoteDeliveryFailure failure, string reason)
    {
        List<OutboundEnvelope> failed;
        lock (_gate)
        {
            failed = _pending;
            _pending = [];
            _pendingBytes = 0;
        }

        foreach (var envelope in failed)
        {
            remoting.Undeliverable(envelope, failure, reason);
        }
    }
}
