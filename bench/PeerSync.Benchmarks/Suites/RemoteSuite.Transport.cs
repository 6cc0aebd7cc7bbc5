using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Tcp;

namespace PeerSync.Benchmarks.Suites;

public sealed partial class RemoteSuite
{
    /// <summary>
    /// The same shapes through PeerSync's framed TCP connection, after a real handshake between two
    /// session layers: senders call SendAsync (encoding each frame, back-pressured by the send
    /// queue), the receiver calls ReceiveAsync (decoding each frame).
    /// </summary>
    private static class TransportCases
    {
        private const string Secret = "benchmark secret, not for production";

        public static async Task<double> TellAsync(int senders, Window window)
        {
            await using var link = await Link.OpenAsync();
            using var stop = new CancellationTokenSource();
            var meter = new Meter();
            var receiver = Task.Run(async () =>
            {
                while (await link.Server.ReceiveAsync() is not null)
                {
                    meter.Add();
                }
            });
            var senderTasks = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
            {
                var frame = Message();
                while (!stop.IsCancellationRequested && await link.Client.SendAsync(frame) == SendResult.Accepted)
                {
                }
            })).ToArray();

            var rate = await meter.MeasureAsync(window);
            await stop.CancelAsync();
            await Task.WhenAll(senderTasks);
            await link.CloseAsync();
            await receiver;
            return rate;
        }

        public static async Task<double> PingPongAsync(int inFlight, Window window)
        {
            await using var link = await Link.OpenAsync();
            var meter = new Meter();
            var stopping = 0;
            var echo = Task.Run(async () =>
            {
                while (await link.Server.ReceiveAsync() is { } ping)
                {
                    link.Server.TrySend(ping);
                }
            });
            var pinger = Task.Run(async () =>
            {
                while (await link.Client.ReceiveAsync() is { } pong)
                {
                    meter.Add(2);
                    if (Volatile.Read(ref stopping) == 0)
                    {
                        link.Client.TrySend(pong);
                    }
                }
            });
            var first = Message();
            for (var i = 0; i < inFlight; i++)
            {
                link.Client.TrySend(first);
            }

            var rate = await meter.MeasureAsync(window);
            Volatile.Write(ref stopping, 1);
            await link.CloseAsync();
            await Task.WhenAll(echo, pinger);
            return rate;
        }

        /// <summary>Two session layers on loopback TCP with one authenticated session between them.</summary>
        private sealed class Link : IAsyncDisposable
        {
            private readonly RemoteListener _listener;

            private Link(RemoteListener listener, PeerSession client, PeerSession server)
            {
                _listener = listener;
                Client = client;
                Server = server;
            }

            public PeerSession Client { get; }

            public PeerSession Server { get; }

            public static async Task<Link> OpenAsync()
            {
                var accepted = new TaskCompletionSource<PeerSession>(TaskCreationOptions.RunContinuationsAsynchronously);
                var listener = await RemoteListener.StartAsync(
                    new TcpTransport(),
                    new EndpointAddress("127.0.0.1", 0),
                    new HandshakeRunner(Config("bench-server", 1)),
                    (session, _) =>
                    {
                        accepted.TrySetResult(session);
                        return Task.CompletedTask;
                    });
                var dialer = new RemoteDialer(new TcpTransport(), new HandshakeRunner(Config("bench-client", 2)));
                var result = await dialer.ConnectAsync(listener.LocalAddress);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"benchmark handshake failed: {result}");
                }

                return new Link(listener, result.Session!, await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            }

            public async Task CloseAsync()
            {
                await Task.WhenAll(Client.DisposeAsync().AsTask(), Server.DisposeAsync().AsTask());
            }

            public async ValueTask DisposeAsync()
            {
                await CloseAsync();
                await _listener.DisposeAsync();
            }

            private static HandshakeConfig Config(string id, ulong incarnation) => new(
                "bench",
                new NodeIdentity(
                    new UniqueNode(NodeId.Parse(id), new Incarnation(incarnation)),
                    new DataEpoch(1),
                    new EndpointAddress("127.0.0.1", 1),
                    0,
                    []),
                Secret);
        }
    }
}
