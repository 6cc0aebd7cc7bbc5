using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// Wraps any transport so a test can break the links between chosen nodes through a shared
/// <see cref="FaultInjector"/>. Faults are applied on connections this node dials, to both
/// directions: the dialer knows both node addresses (its own and the one it dialed), while an
/// accepting node only sees the dialer's ephemeral port. Since every connection has exactly one
/// dialer, every frame between two wrapped nodes passes exactly one fault check.
/// </summary>
public sealed class FaultInjectingTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly FaultInjector _injector;
    private EndpointAddress? _nodeAddress;

    /// <param name="inner">The transport that carries the traffic.</param>
    /// <param name="injector">The faults shared by all nodes of the test.</param>
    /// <param name="nodeAddress">This node's listening address; when null, the address of the
    /// first <see cref="ListenAsync"/> is used.</param>
    public FaultInjectingTransport(ITransport inner, FaultInjector injector, EndpointAddress? nodeAddress = null)
    {
        _inner = inner;
        _injector = injector;
        _nodeAddress = nodeAddress;
    }

    public string Name => _inner.Name + "+faults";

    public TransportCounters Counters => _inner.Counters;

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var listener = await _inner.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        _nodeAddress ??= listener.LocalAddress;
        return listener;
    }

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var node = _nodeAddress
            ?? throw new InvalidOperationException("a FaultInjectingTransport needs its node address (constructor or ListenAsync) before it dials");
        var connection = await _inner.DialAsync(address, cancellationToken).ConfigureAwait(false);
        return new FaultInjectingConnection(connection, _injector, node, address);
    }
}
