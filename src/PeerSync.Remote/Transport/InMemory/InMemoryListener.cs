using System.Threading.Channels;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.InMemory;

/// <summary>An in-memory listening address with a bounded backlog of connections not yet accepted.</summary>
internal sealed class InMemoryListener : ITransportListener
{
    internal const int Backlog = 128;

    private readonly InMemoryNetwork _network;
    private readonly InMemoryTransport _transport;
    private readonly Channel<IFrameConnection> _pending =
        Channel.CreateBounded<IFrameConnection>(new BoundedChannelOptions(Backlog) { SingleReader = false });

    private int _disposed;

    public InMemoryListener(InMemoryNetwork network, InMemoryTransport transport, EndpointAddress address)
    {
        _network = network;
        _transport = transport;
        LocalAddress = address;
    }

    public EndpointAddress LocalAddress { get; }

    internal InMemoryTransport Transport => _transport;

    public async ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Queues the server end of a new connection; false when the backlog is full or the listener stopped.</summary>
    internal bool TryEnqueue(IFrameConnection connection) => _pending.Writer.TryWrite(connection);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _network.Unregister(LocalAddress, this);
        _pending.Writer.TryComplete();
        while (_pending.Reader.TryRead(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _transport.Counters.ListenerClosed();
        RemoteLog.StoppedListening(_transport.Logger, LocalAddress, _transport.Name);
    }
}
