using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Transport;

/// <summary>
/// Frames handed over already encoded (<see cref="FramedConnection.TrySendEncoded"/>): written on
/// the caller's thread when the connection is idle, queued behind the rest otherwise. Frames must
/// leave in the order they were accepted, whichever path each took.
/// </summary>
public sealed class DirectWriteTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    private static int Tagged(int thread, int index) => (thread * 1_000_000) + index;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Encoded_and_queued_frames_from_racing_threads_arrive_in_each_threads_order(TransportKind kind)
    {
        // Four threads alternate between encoded frames and ordinary ones while the peer reads:
        // direct writes, copies into the queue and the writer loop take turns on the connection.
        const int Threads = 4;
        const int PerThread = 2_000;
        var settings = new TransportSettings { SendQueueBytes = 32 * 1024 };
        var pair = new TransportPair(kind, clientSettings: settings);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var connection = (FramedConnection)client;

        var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var spin = default(SpinWait);
            for (var i = 0; i < PerThread; i++)
            {
                var frame = Frames.User(Tagged(t, i));
                while (true)
                {
                    SendResult result;
                    if (i % 2 == 0)
                    {
                        result = connection.TrySendEncoded(FrameCodec.Encode(frame), out var written);
                        written.GetAwaiter().GetResult();
                    }
                    else
                    {
                        result = connection.TrySend(frame);
                    }

                    if (result == SendResult.Accepted)
                    {
                        break;
                    }

                    Assert.Equal(SendResult.QueueFull, result);
                    spin.SpinOnce();
                }
            }
        })).ToArray();

        var next = new int[Threads];
        for (var received = 0; received < Threads * PerThread; received++)
        {
            var tag = Frames.SequenceOf((await server.ReceiveAsync().Within())!);
            var thread = tag / 1_000_000;
            Assert.Equal(next[thread], tag % 1_000_000);
            next[thread]++;
        }

        await Task.WhenAll(senders).Within();
        Assert.True(connection.DirectWrites > 0, "no frame was written on its caller's thread");
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Fact]
    public async Task Encoded_frames_queue_behind_a_direct_write_the_peer_has_not_read_yet()
    {
        // The in-memory window (the receiver's) stands for full socket buffers: the first frame's write waits for
        // the peer; later frames are copied into the queue until it is full, then refused.
        var settings = new TransportSettings { InMemoryWindowBytes = 16 * 1024, SendQueueBytes = 8 * 1024 };
        var pair = new TransportPair(TransportKind.InMemory, settings, settings);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var connection = (FramedConnection)client;
        var big = Frames.User("/user/seq/0", payloadBytes: 40 * 1024);

        Assert.Equal(SendResult.Accepted, connection.TrySendEncoded(FrameCodec.Encode(big), out var firstWritten));
        Assert.False(firstWritten.IsCompleted);
        var queued = 1;
        ValueTask written;
        while (connection.TrySendEncoded(FrameCodec.Encode(Frames.User(queued)), out written) == SendResult.Accepted)
        {
            Assert.True(written.IsCompleted);
            queued++;
        }

        Assert.InRange(queued, 2, 200);
        Assert.Equal(1, connection.DirectWrites);
        Assert.Equal(big, await server.ReceiveAsync().Within());
        await firstWritten.AsTask().Within();
        for (var i = 1; i < queued; i++)
        {
            Assert.Equal(i, Frames.SequenceOf((await server.ReceiveAsync().Within())!));
        }

        await DisposeAllAsync(pair, listener, client, server);
    }

    [Fact]
    public async Task An_orderly_close_during_a_direct_write_sends_the_frame_before_the_notice()
    {
        var settings = new TransportSettings { InMemoryWindowBytes = 16 * 1024 };
        var pair = new TransportPair(TransportKind.InMemory, settings, settings);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var connection = (FramedConnection)client;
        var big = Frames.User("/user/last", payloadBytes: 40 * 1024);
        Assert.Equal(SendResult.Accepted, connection.TrySendEncoded(FrameCodec.Encode(big), out var written));
        Assert.False(written.IsCompleted);

        client.Close(DisconnectReason.Shutdown, "done here");

        Assert.Equal(SendResult.Closed, connection.TrySendEncoded(FrameCodec.Encode(Frames.User(1)), out _));
        Assert.Equal(big, await server.ReceiveAsync().Within());
        Assert.Null(await server.ReceiveAsync().Within());
        var closed = await server.Completion.Within();
        Assert.Equal(DisconnectReason.Shutdown, closed.Reason);
        Assert.Contains("done here", closed.Detail, StringComparison.Ordinal);
        await written.AsTask().Within();
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Fact]
    public async Task An_encoded_frame_larger_than_max_frame_size_is_refused_unsent()
    {
        var settings = new TransportSettings { MaxFrameSizeBytes = 1024 };
        var pair = new TransportPair(TransportKind.InMemory, settings, settings);
        var (client, server, listener) = await FrameConnectionTests.ConnectAsync(pair);
        var connection = (FramedConnection)client;

        var result = connection.TrySendEncoded(FrameCodec.Encode(Frames.User("/user/big", payloadBytes: 2048)), out var written);

        Assert.Equal(SendResult.FrameTooLarge, result);
        Assert.True(written.IsCompleted);
        Assert.Equal(0, connection.DirectWrites);
        Assert.Equal(SendResult.Accepted, connection.TrySendEncoded(FrameCodec.Encode(Frames.User(5)), out _));
        Assert.Equal(5, Frames.SequenceOf((await server.ReceiveAsync().Within())!));
        await DisposeAllAsync(pair, listener, client, server);
    }

    private static async Task DisposeAllAsync(TransportPair pair, ITransportListener listener, params IFrameConnection[] connections)
    {
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).Within();
        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
    }
}
