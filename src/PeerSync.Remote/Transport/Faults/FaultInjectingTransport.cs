using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// Wraps any transport so a test can break the links between chosen nodes through a shared
/// <see cref="FaultInjector"/>. Every frame is judged once, when its sender sends it, by the
/// (sender node, receiver node) pair. A dialing node knows both addresses; an accepting node sees
/// only the dialer's ephemeral socket address, so dialers register that address with the injector
/// and the accepting side looks the dialer's node up there. Connections from unwrapped dialers
/// pass untouched. Refusals (<see cref="FaultInjector.Refuse"/>) are judged here, before each dial.
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
        if (nodeAddress is { } node)
        {
            injector.AddNode(node);
        }
    }

    public string Name => _inner.Name + "+faults";

    public TransportCounters Counters => _inner.Counters;

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var listener = await _inner.ListenAsync(address, cancellationToken).ConfigureAwait(false);
        _nodeAddress ??= listener.LocalAddress;
        _injector.AddNode(_nodeAddress.Value);
        return new Listener(listener, _injector, _nodeAddress.Value);
    }

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        var node = _nodeAddress
            ?? throw new InvalidOperationException("a FaultInjectingTransport needs its node address (constructor or ListenAsync) before it dials");
        _injector.ThrowIfRefused(node, address);
        var connection = await _inner.DialAsync(address, cancellationToken).ConfigureAwait(false);
        var socketAddress = connection.LocalEndpoint;
        _injector.RegisterDialer(socketAddress, node);
        _ = connection.Completion.ContinueWith(
            _ => _injector.ForgetDialer(socketAddress), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new FaultInjectingConnection(connection, _injector, node, () => address);
    }

    private sealed class Listener(ITransportListener inner, FaultInjector injector, EndpointAddress node) : ITransportListener
    {
        public EndpointAddress LocalAddress => inner.LocalAddress;

        public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                return null;
            }

            // The dialer registers its socket address right after its dial returns, which may be
            // a moment after this accept: resolve at each send, not now.
            var dialerSocket = connection.RemoteEndpoint;
            return new FaultInjectingConnection(connection, injector, node, () => injector.ResolveDialer(dialerSocket));
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
