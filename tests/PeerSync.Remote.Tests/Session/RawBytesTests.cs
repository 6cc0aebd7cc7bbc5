using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Session;

/// <summary>
/// Bytes that are not our protocol, from a plain socket: the listener closes that connection with
/// a reason it also sends to the peer, and keeps serving the good session.
/// </summary>
public sealed class RawBytesTests
{
    public static TheoryData<string, string, DisconnectReason, string> Cases => new()
    {
        { "http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", DisconnectReason.FrameTooLarge, "frame of 1195725856 bytes exceeds max-frame-size of 4194304 bytes" },
        { "oversized", "prefix:4194305", DisconnectReason.FrameTooLarge, "frame of 4194305 bytes exceeds max-frame-size of 4194304 bytes" },
        { "malformed", "frame:0a64", DisconnectReason.MalformedFrame, "frame of 2 bytes is not a valid protobuf Frame" },
        { "empty", "frame:", DisconnectReason.MalformedFrame, "unexpected empty (no body) frame while awaiting the peer's Hello" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Listener_closes_a_connection_that_sends_bad_bytes_and_says_why(string name, string input, DisconnectReason reason, string detail)
    {
        await using var harness = await ListenerHarness.StartAsync(TransportKind.Tcp);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(harness.Listener.LocalAddress.Host, harness.Listener.LocalAddress.Port).Within();

        await socket.SendAsync(Encode(input)).Within();

        var notice = await ReadDisconnectAsync(socket);
        Assert.True(notice is not null, $"{name}: no Disconnect notice before the connection closed");
        Assert.Equal(reason, notice!.Reason);
        Assert.StartsWith(detail, notice.Detail, StringComparison.Ordinal);
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Fact]
    public async Task Tls_listener_drops_a_plaintext_client_and_keeps_serving()
    {
        await using var harness = await ListenerHarness.StartAsync(TransportKind.Tls);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(harness.Listener.LocalAddress.Host, harness.Listener.LocalAddress.Port).Within();

        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).Within();

        // The TLS layer refuses it before any frame exists: the socket just ends.
        var buffer = new byte[4096];
        while (await socket.ReceiveAsync(buffer).Within() > 0)
        {
        }

        await Eventually.TrueAsync(() => harness.Pair.Server.Counters.FailedTlsHandshakes == 1, "the failed TLS handshake to be counted");
        Assert.Equal(0, harness.Pair.Server.Counters.PendingTlsHandshakes);
        Assert.NotEmpty(harness.Logs.Find("TLS handshake with 127.0.0.1:", "failed"));
        await harness.AssertGoodSessionEchoesAsync();
    }

    [Fact]
    public async Task Tls_listener_times_out_a_socket_that_never_starts_tls()
    {
        // The server transport's clock is manual: only this test moves it, past handshake-timeout.
        var clock = new ManualTimeProvider();
        await using var harness = await ListenerHarness.StartAsync(
            TransportKind.Tls, new Remote.Transport.TransportSettings { TimeProvider = clock, HandshakeTimeout = TimeSpan.FromSeconds(5) });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(harness.Listener.LocalAddress.Host, harness.Listener.LocalAddress.Port).Within();
        // The deadline timer is armed a moment after the socket is accepted: advance until it fired.
        for (var i = 0; i < 400 && harness.Pair.Server.Counters.FailedTlsHandshakes == 0; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(25);
        }

        Assert.Equal(1, harness.Pair.Server.Counters.FailedTlsHandshakes);
        Assert.Equal(0, await socket.ReceiveAsync(new byte[16]).Within());
        Assert.NotEmpty(harness.Logs.Find("TLS handshake with 127.0.0.1:", "failed: no complete TLS handshake within 5000 ms"));
        await harness.AssertGoodSessionEchoesAsync();
    }

    private static byte[] Encode(string input)
    {
        if (input.StartsWith("prefix:", StringComparison.Ordinal))
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, uint.Parse(input["prefix:".Length..], System.Globalization.CultureInfo.InvariantCulture));
            return bytes;
        }

        if (input.StartsWith("frame:", StringComparison.Ordinal))
        {
            var body = Convert.FromHexString(input["frame:".Length..]);
            var bytes = new byte[4 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)body.Length);
            body.CopyTo(bytes, 4);
            return bytes;
        }

        return Encoding.ASCII.GetBytes(input);
    }

    /// <summary>Reads frames until a Disconnect or the end of the stream.</summary>
    private static async Task<Disconnect?> ReadDisconnectAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer).Within();
            if (read == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, read));
            var sequence = new ReadOnlySequence<byte>(received.ToArray());
            while (FrameCodec.TryDecode(ref sequence, 1024 * 1024, out var frame, out _) == FrameDecodeStatus.Decoded)
            {
                if (frame!.BodyCase == Frame.BodyOneofCase.Disconnect)
                {
                    return frame.Disconnect;
                }
            }
        }
    }
}
