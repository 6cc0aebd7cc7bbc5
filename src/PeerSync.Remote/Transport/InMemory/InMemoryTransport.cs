using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.InMemory;

/// <summary>
/// A transport inside one process, for tests: connections are pairs of pipes, but every byte still
/// goes through the same framing, send queue, max-frame-size checks and close procedure as TCP, so
/// a test on this transport exercises the real connection code without sockets.
/// </summary>
public sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryNetwork _network;

    public InMemoryTransport(InMemoryNetwork network, TransportSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        _network = network;
        Settings = settings ?? new TransportSettings();
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PeerSync.Remote.Transport.InMemory");
    }

    public string Name => "in-memory";

    public TransportCounters Counters { get; } = new();

    internal TransportSettings Settings { get; }

    internal ILogger Logger { get; }

    public ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        InMemoryListener? created = null;
        var bound = _network.Register(address, a => created = new InMemoryListener(_network, this, a));
        Counters.ListenerOpened();
        RemoteLog.Listening(Logger, bound, Name);
        return ValueTask.FromResult<ITransportListener>(created!);
    }

    public ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_network.TryFind(address, out var listener))
        {
            throw new TransportException($"connection to {address} refused: nothing listens there (in-memory network)");
        }

        var window = listener.Transport.Settings.InMemoryWindowBytes;
        var toServer = new Pipe(PipeOptionsFor(window));
        var toClient = new Pipe(PipeOptionsFor(Settings.InMemoryWindowBytes));
        var clientAddress = new EndpointAddress("in-memory", _network.NextPort());

        var server = new FramedConnection(
            new PipeDuplex(toServer, toClient),
            listener.Transport.Settings,
            listener.Transport.Counters,
            listener.Transport.Logger,
            address,
            clientAddress,
            isInbound: true);
        if (!listener.TryEnqueue(server))
        {
            server.Close(Protocol.DisconnectReason.Overloaded, "listener backlog full");
            throw new TransportException($"connection to {address} refused: the listener's backlog of {InMemoryListener.Backlog} is full or it stopped");
        }

        IFrameConnection client = new FramedConnection(
            new PipeDuplex(toClient, toServer), Settings, Counters, Logger, clientAddress, address, isInbound: false);
        return ValueTask.FromResult(client);
    }

    private static PipeOptions PipeOptionsFor(long windowBytes) =>
        new(pauseWriterThreshold: windowBytes, resumeWriterThreshold: windowBytes / 2, useSynchronizationContext: false);
}
