using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PeerSync.Sync.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a PostgreSQL server that counts round trips: the server ends
/// the answer to every synchronization point (a simple query, or a batch of extended-protocol
/// statements) with one ReadyForQuery message, so their number is the number of times the client
/// waited for the server. Plain connections only (connect with SSL and GSS encryption disabled:
/// the proxy reads the server's messages, and a TLS or GSS negotiation answer is one untyped byte).
/// </summary>
internal sealed class PostgresRoundTripCounter : IAsyncDisposable
{
    private const byte ReadyForQuery = (byte)'Z';
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly DnsEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _roundTrips;

    public PostgresRoundTripCounter(string host, int port)
    {
        _server = new DnsEndPoint(host, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>ReadyForQuery messages the server has sent through this proxy so far.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopping: the listener was closed under the pending accept.
                return;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(_server, _stop.Token).ConfigureAwait(false);
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, count: false));
                _pumps.Add(PumpAsync(server, client, count: true));
            }
        }
    }

    /// <summary>Copies bytes from <paramref name="from"/> to <paramref name="to"/>; server to client, it also walks the message framing (type byte, 4-byte length) to count ReadyForQuery.</summary>
    private async Task PumpAsync(Socket from, Socket to, bool count)
    {
        var buffer = new byte[64 * 1024];
        var header = new byte[5];
        var headerFill = 0;
        long bodyLeft = 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                for (var i = 0; count && i < read;)
                {
                    if (bodyLeft > 0)
                    {
                        var skip = (int)Math.Min(bodyLeft, read - i);
                        bodyLeft -= skip;
                        i += skip;
                        continue;
                    }

                    header[headerFill++] = buffer[i++];
                    if (headerFill == header.Length)
                    {
                        if (header[0] == ReadyForQuery)
                        {
                            Interlocked.Increment(ref _roundTrips);
                        }

                        bodyLeft = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4;
                        headerFill = 0;
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping, or one side closed the connection: the other side is closed below.
        }
        finally
        {
            to.Dispose();
            from.Dispose();
        }
    }
}
