using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PeerSync.Benchmarks.Suites;

public sealed partial class RemoteSuite
{
    /// <summary>Bare sockets: the cost of moving these bytes with no framing library at all.</summary>
    private static class BareFloor
    {
        private const int BufferBytes = 64 * 1024;

        public static async Task<double> TellAsync(int senders, int messageBytes, Window window)
        {
            var (client, server) = await ConnectAsync();
            using var stop = new CancellationTokenSource();
            var meter = new Meter();
            var message = Encoded(messageBytes);
            var sendLock = new SemaphoreSlim(1, 1);
            var senderTasks = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
            {
                // Each sender copies message after message into its buffer and writes it when full,
                // as a plain buffered writer would.
                var buffer = new byte[BufferBytes];
                while (!stop.IsCancellationRequested)
                {
                    var used = 0;
                    while (used + message.Length <= buffer.Length)
                    {
                        message.CopyTo(buffer, used);
                        used += message.Length;
                    }

                    await sendLock.WaitAsync();
                    try
                    {
                        await SendAllAsync(client, buffer.AsMemory(0, used));
                    }
                    catch (SocketException)
                    {
                        return;
                    }
                    finally
                    {
                        sendLock.Release();
                    }
                }
            })).ToArray();
            var receiver = Task.Run(() => CountAsync(server, meter, echo: null));

            var rate = await meter.MeasureAsync(window);
            await stop.CancelAsync();
            ShutdownQuietly(client);
            await Task.WhenAll(senderTasks);
            await receiver;
            client.Dispose();
            server.Dispose();
            return rate;
        }

        public static async Task<double> PingPongAsync(int inFlight, int messageBytes, Window window)
        {
            var (client, server) = await ConnectAsync();
            var meter = new Meter();
            var message = Encoded(messageBytes);
            var echo = Task.Run(() => CountAsync(server, meter: null, echo: server));
            var initial = Enumerable.Repeat(message, inFlight).SelectMany(m => m).ToArray();
            await SendAllAsync(client, initial);
            using var stop = new CancellationTokenSource();
            var pinger = Task.Run(() => CountAsync(client, meter, echo: client, stop.Token));

            var rate = await meter.MeasureAsync(window);
            await stop.CancelAsync();
            ShutdownQuietly(client);
            await echo;
            await pinger;
            client.Dispose();
            server.Dispose();
            // Each message counted here is a pong that answered a ping: two messages.
            return rate * 2;
        }

        /// <summary>
        /// Reads length-prefixed messages until the end of the stream, counting them; with an echo
        /// socket, writes every complete message back (one write per read, like any echo loop).
        /// </summary>
        private static async Task CountAsync(Socket socket, Meter? meter, Socket? echo, CancellationToken stopEchoing = default)
        {
            var buffer = new byte[BufferBytes];
            var output = new byte[BufferBytes * 2];
            var carried = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer.AsMemory(carried));
                }
                catch (SocketException)
                {
                    return;
                }

                if (read == 0)
                {
                    if (echo is not null)
                    {
                        // Pass the end on, so the other side's loop ends too.
                        ShutdownQuietly(echo);
                    }

                    return;
                }

                var available = carried + read;
                var offset = 0;
                var outputUsed = 0;
                long messages = 0;
                while (available - offset >= 4)
                {
                    var length = (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset));
                    if (available - offset < 4 + length)
                    {
                        break;
                    }

                    if (echo is not null)
                    {
                        buffer.AsSpan(offset, 4 + length).CopyTo(output.AsSpan(outputUsed));
                        outputUsed += 4 + length;
                    }

                    offset += 4 + length;
                    messages++;
                }

                meter?.Add(messages);
                carried = available - offset;
                buffer.AsSpan(offset, carried).CopyTo(buffer);
                if (echo is not null && outputUsed > 0 && !stopEchoing.IsCancellationRequested)
                {
                    try
                    {
                        await SendAllAsync(echo, output.AsMemory(0, outputUsed));
                    }
                    catch (SocketException)
                    {
                        return;
                    }
                }
            }
        }

        private static void ShutdownQuietly(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // Already shut down or reset: the stream has ended either way.
            }
        }

        private static byte[] Encoded(int messageBytes)
        {
            var message = new byte[messageBytes];
            BinaryPrimitives.WriteUInt32BigEndian(message, (uint)(messageBytes - 4));
            return message;
        }

        private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
        {
            while (!data.IsEmpty)
            {
                var sent = await socket.SendAsync(data);
                data = data[sent..];
            }
        }

        private static async Task<(Socket Client, Socket Server)> ConnectAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accepting = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            var server = await accepting;
            server.NoDelay = true;
            return (client, server);
        }
    }
}
