using PeerSync.Remote.Addressing;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>A transport whose connections, dialed and accepted, are <see cref="PlainConnection"/>s over <paramref name="inner"/>'s.</summary>
internal sealed class PlainConnectionTransport(ITransport inner) : ITransport
{
    public string Name => inner.Name;

    public TransportCounters Counters => inner.Counters;

    public async ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default) =>
        new Listener(await inner.ListenAsync(address, cancellationToken));

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default) =>
        new PlainConnection(await inner.DialAsync(address, cancellationToken));

    private sealed class Listener(ITransportListener inner) : ITransportListener
    {
        public EndpointAddress LocalAddress => inner.LocalAddress;

        public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default) =>
            await inner.AcceptAsync(cancellationToken) is { } accepted ? new PlainConnection(accepted) : null;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
