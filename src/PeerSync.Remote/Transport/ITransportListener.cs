using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport;

/// <summary>Yields the inbound connections of one listening address. Disposing stops listening.</summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>The bound address, with the actual port when port 0 was asked for.</summary>
    EndpointAddress LocalAddress { get; }

    /// <summary>
    /// The next inbound connection, or null once the listener is disposed. Connections a transport
    /// had to refuse (a failed TLS handshake) are logged and closed by the transport, never returned.
    /// </summary>
    /// <exception cref="TransportException">Accepting failed for a reason other than shutdown (such as
    /// running out of file descriptors); the listener stays usable and the caller may retry.</exception>
    ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default);
}
