using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PeerSync.Sync.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a PostgreSQL server that counts round trips. Every
/// synchronization point the client sends (a simple query, or the Sync that ends a batch of
/// extended-protocol statements) is answered by one ReadyForQuery, in order; the client waits for
/// the last one of what it sent. A transaction's BEGIN, which the client sends ahead of the first
/// statement in the same write, is not a round trip of its own and is not counted. Plain
/// connections only (connect with SSL and GSS encryption disabled, and no reset on close, whose
/// statements the client also sends ahead of the next ones).
/// </summary>
internal sealed class PostgresRoundTripCounter : IAsyncDisposable
{
    private const byte ReadyForQuery = (byte)'Z';
    private const byte SimpleQuery = (byte)'Q';
    private const byte Sync = (byte)'S';
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
            var expected = new Queue<bool>();
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, fromServer: false, expected));
                _pumps.Add(PumpAsync(server, client, fromServer: true, expected));
            }
        }
    }

    /// <summary>
    /// Copies bytes from <paramref name="from"/> to <paramref name="to"/> while walking the message
    /// framing (type byte, then a 4-byte length that counts itself; the client's first message,
    /// the startup, has no type byte). Client messages that expect a ReadyForQuery are queued
    /// (whether they are a BEGIN); each ReadyForQuery from the server takes the oldest and counts
    /// unless it was a BEGIN.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, bool fromServer, Queue<bool> expected)
    {
        var buffer = new byte[64 * 1024];
        var frame = new MessageFrame(untypedFirst: !fromServer);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                foreach (var (type, start) in frame.Walk(buffer, read))
                {
                    lock (expected)
                    {
                        if (fromServer && type == ReadyForQuery && expected.TryDequeue(out var isBegin) && !isBegin)
                        {
                            Interlocked.Increment(ref _roundTrips);
                        }
                        else if (!fromServer && type is SimpleQuery or Sync)
                        {
                            expected.Enqueue(type == SimpleQuery && start.StartsWith("BEGIN", StringComparison.Ordinal));
                        }
                    }
                }

                // Sent only after counting: the answer to what is forwarded cannot overtake it.
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

    /// <summary>Splits a byte stream into protocol messages: each complete one as its type and the first characters of its body.</summary>
    private sealed class MessageFrame(bool untypedFirst)
    {
        private const int PrefixLength = 8;
        private readonly byte[] _header = new byte[5];
        private readonly System.Text.StringBuilder _prefix = new();
        private bool _untyped = untypedFirst;
        private int _headerFill;
        private long _bodyLeft = -1;

        public List<(byte Type, string Start)> Walk(byte[] buffer, int count)
        {
            var complete = new List<(byte, string)>();
            for (var i = 0; i < count;)
            {
                if (_bodyLeft < 0)
                {
                    // The untyped startup message has only the length; its "type" is reported as 0.
                    if (_untyped && _headerFill == 0)
                    {
                        _header[_headerFill++] = 0;
                    }

                    _header[_headerFill++] = buffer[i++];
                    if (_headerFill == _header.Length)
                    {
                        _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1)) - 4;
                        _prefix.Clear();
                    }
                }
                else
                {
                    var take = (int)Math.Min(_bodyLeft, count - i);
                    for (var j = 0; j < take && _prefix.Length < PrefixLength; j++)
                    {
                        _prefix.Append((char)buffer[i + j]);
                    }

                    _bodyLeft -= take;
                    i += take;
                }

                if (_bodyLeft == 0)
                {
                    complete.Add((_header[0], _prefix.ToString()));
                    _bodyLeft = -1;
                    _headerFill = 0;
                    _untyped = false;
                }
            }

            return complete;
        }
    }
}
