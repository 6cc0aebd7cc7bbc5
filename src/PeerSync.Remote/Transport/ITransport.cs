using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport;

/// <summary>
/// Moves frames between nodes: listen for inbound connections, dial outbound ones. Implementations:
/// <see cref="Tcp.TcpTransport"/>, <see cref="Tls.TlsTransport"/>, <see cref="InMemory.InMemoryTransport"/>
/// and the test adapter <see cref="Faults.FaultInjectingTransport"/>. A transport knows nothing of
/// the handshake; the session layer runs it over the connections a transport makes.
/// </summary>
public interface ITransport
{
    /// <summary>A short name for logs: "tcp", "tls", "in-memory".</summary>
    string Name { get; }

    /// <summary>Connections and listeners this transport has open, for diagnostics and leak checks.</summary>
    TransportCounters Counters { get; }

    /// <summary>
    /// Starts listening on <paramref name="address"/>; port 0 picks a free port, which the
    /// listener's <see cref="ITransportListener.LocalAddress"/> then shows.
    /// </summary>
    /// <exception cref="TransportException">The address cannot be bound (in use, unknown host).</exception>
    ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default);

    /// <summary>Opens a connection to a listener at <paramref name="address"/>.</summary>
    /// <exception cref="TransportException">Nothing listens there, the network failed, or TLS was refused.</exception>
    ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default);
}
