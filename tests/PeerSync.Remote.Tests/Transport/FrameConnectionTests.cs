using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Transport;

/// <summary>The connection contract, on every transport: same code, same behaviour.</summary>
public sealed class FrameConnectionTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Connection_round_trips_frames_both_ways(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var (client, server, listener) = await ConnectAsync(pair);

        Assert.Equal(SendResult.Accepted, client.TrySend(Frames.User("/user/to-server")));
        Assert.Equal(SendResult.Accepted, server.TrySend(Frames.User("/user/to-client")));
        Assert.Equal("/user/to-server", (await server.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Equal("/user/to-client", (await client.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.False(client.IsInbound);
        Assert.True(server.IsInbound);

        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Connection_writes_queued_frames_in_batches_and_in_order(TransportKind kind)
    {
        // While the peer does not read, the writer is stuck in a write and frames pile up in the
        // queue, packed into 64 KiB chunks. Once the peer reads, the whole backlog (1 MiB, some
        // 10,000 frames) must leave in a handful of writes, in order.
        var settings = new TransportSettings { SendQueueBytes = 1024 * 1024 };
        var pair = new TransportPair(kind, clientSettings: settings);
        var (client, server, listener) = await ConnectAsync(pair);
        var sent = 0;
        while (client.TrySend(Frames.User(sent)) == SendResult.Accepted)
        {
            sent++;
        }

        var writesBeforeDraining = ((FramedConnection)client).WriteCalls;
        for (var i = 0; i < sent; i++)
        {
            Assert.Equal(i, Frames.SequenceOf((await server.ReceiveAsync().Within())!));
        }

        var backlogWrites = ((FramedConnection)client).WriteCalls - writesBeforeDraining;
        Assert.True(sent >= 10_000, $"only {sent} frames were queued");
        Assert.InRange(backlogWrites, 1, (settings.SendQueueBytes / (64 * 1024)) + 4);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Drained_handler_runs_once_everything_queued_is_written_and_what_it_sends_goes_out_next(TransportKind kind)
    {
        // The link hands a connection its next batch from this handler: it must run with nothing
        // left queued, and a frame sent from it must be written without another send to wake the writer.
        var pair = new TransportPair(kind);
        var (client, server, listener) = await ConnectAsync(pair);
        var queuedWhenCalled = new List<long>();
        var calls = client.TrySetDrainedHandler(() =>
        {
            lock (queuedWhenCalled)
            {
                queuedWhenCalled.Add(client.QueuedBytes);
                if (queuedWhenCalled.Count <= 2)
                {
                    Assert.Equal(SendResult.Accepted, client.TrySend(Frames.User(queuedWhenCalled.Count)));
                }
            }
        });

        Assert.Equal(SendResult.Accepted, client.TrySend(Frames.User(0)));
        for (var i = 0; i <= 2; i++)
        {
            Assert.Equal(i, Frames.SequenceOf((await server.ReceiveAsync().Within())!));
        }

        Assert.True(calls, "the connection calls a drained handler");
        client.TrySetDrainedHandler(null);
        lock (queuedWhenCalled)
        {
            Assert.True(queuedWhenCalled.Count >= 2, $"the handler ran {queuedWhenCalled.Count} times");
            Assert.All(queuedWhenCalled, queued => Assert.Equal(0, queued));
        }

        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Connection_carries_a_frame_of_max_frame_size(TransportKind kind)
    {
        var settings = new TransportSettings { MaxFrameSizeBytes = 512 * 1024, SendQueueBytes = 1024 * 1024 };
        var pair = new TransportPair(kind, settings, settings);
        var (client, server, listener) = await ConnectAsync(pair);
        var frame = Frames.User("/user/big", 0);
        var payloadBytes = settings.MaxFrameSizeBytes - frame.CalculateSize() - 8;
        do
        {
            var payload = new byte[payloadBytes++];
            Random.Shared.NextBytes(payload);
            frame.UserMessage.Payload = Google.Protobuf.ByteString.CopyFrom(payload);
        }
        while (frame.CalculateSize() < settings.MaxFrameSizeBytes);

        Assert.Equal(settings.MaxFrameSizeBytes, frame.CalculateSize());

        Assert.Equal(SendResult.Accepted, client.TrySend(frame));
        Assert.Equal(frame, await server.ReceiveAsync().Within());
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TrySend_refuses_a_frame_over_max_frame_size_and_the_connection_stays_open(TransportKind kind)
    {
        var settings = new TransportSettings { MaxFrameSizeBytes = 4096, SendQueueBytes = 64 * 1024 };
        var pair = new TransportPair(kind, settings, settings);
        var (client, server, listener) = await ConnectAsync(pair);

        Assert.Equal(SendResult.FrameTooLarge, client.TrySend(Frames.User("/user/big", 5000)));
        Assert.Equal(SendResult.FrameTooLarge, await client.SendAsync(Frames.User("/user/big", 5000)));
        Assert.Equal(SendResult.Accepted, client.TrySend(Frames.User("/user/small")));
        Assert.Equal("/user/small", (await server.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Receiver_closes_on_an_inbound_frame_over_its_limit_and_tells_the_sender(TransportKind kind)
    {
        // The sender allows 1 MiB, the receiver 4 KiB: the receiver refuses from the length prefix
        // and says so; the sender learns the sizes from the notice.
        var pair = new TransportPair(
            kind,
            serverSettings: new TransportSettings { MaxFrameSizeBytes = 4096, SendQueueBytes = 64 * 1024 },
            clientSettings: new TransportSettings { MaxFrameSizeBytes = 1024 * 1024 });
        var (client, server, listener) = await ConnectAsync(pair);
        var big = Frames.User("/user/big", 8192);

        Assert.Equal(SendResult.Accepted, client.TrySend(big));

        Assert.Null(await server.ReceiveAsync().Within());
        // The client reads the notice first: the server's close waits for it to close in turn.
        Assert.Null(await client.ReceiveAsync().Within());
        var refused = await server.Completion.Within();
        Assert.Equal(DisconnectReason.FrameTooLarge, refused.Reason);
        Assert.Equal($"frame of {big.CalculateSize()} bytes exceeds max-frame-size of 4096 bytes", refused.Detail);
        Assert.Equal(
            new ConnectionClosed(DisconnectReason.FrameTooLarge, $"peer closed the connection: frame of {big.CalculateSize()} bytes exceeds max-frame-size of 4096 bytes", ByPeer: true),
            await client.Completion.Within());
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Connection_carries_a_zero_length_frame(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var (client, server, listener) = await ConnectAsync(pair);

        Assert.Equal(SendResult.Accepted, client.TrySend(new Frame()));
        Assert.Equal(SendResult.Accepted, client.TrySend(Frames.User("/user/after")));
        Assert.Equal(Frame.BodyOneofCase.None, (await server.ReceiveAsync().Within())!.BodyCase);
        Assert.Equal("/user/after", (await server.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Close_sends_the_reason_to_the_peer_after_the_queued_frames(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var (client, server, listener) = await ConnectAsync(pair);

        client.TrySend(Frames.User("/user/last-words"));
        client.Close(DisconnectReason.ClusterNameMismatch, "testing the notice");
        Assert.Equal(SendResult.Closed, client.TrySend(Frames.User("/user/too-late")));

        Assert.Equal("/user/last-words", (await server.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        Assert.Null(await server.ReceiveAsync().Within());
        var atServer = await server.Completion.Within();
        Assert.Equal(new ConnectionClosed(DisconnectReason.ClusterNameMismatch, "peer closed the connection: testing the notice", ByPeer: true), atServer);
        var atClient = await client.Completion.Within();
        Assert.Equal(DisconnectReason.ClusterNameMismatch, atClient.Reason);
        Assert.False(atClient.ByPeer);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Connection_closes_with_peer_stopped_reading_when_the_peer_does_not_drain(TransportKind kind)
    {
        // The server never reads; the client keeps sending until its writes stall for longer than
        // write-stall-timeout. Only that connection closes, with a reason naming the stall.
        var stalling = new TransportSettings { WriteStallTimeout = TimeSpan.FromMilliseconds(300), SendQueueBytes = 1024 * 1024 };
        var pair = new TransportPair(kind, clientSettings: stalling);
        var (client, server, listener) = await ConnectAsync(pair);

        var frame = Frames.User("/user/flood", 32 * 1024);
        while (await client.SendAsync(frame).Within() == SendResult.Accepted)
        {
        }

        var closed = await client.Completion.Within();
        Assert.Equal(DisconnectReason.PeerStoppedReading, closed.Reason);
        Assert.StartsWith("peer stopped reading: a write made no progress for", closed.Detail, StringComparison.Ordinal);
        Assert.Contains("write-stall-timeout 300 ms", closed.Detail, StringComparison.Ordinal);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TrySend_reports_queue_full_and_SendAsync_waits_until_the_peer_drains(TransportKind kind)
    {
        var small = new TransportSettings { SendQueueBytes = 64 * 1024 };
        var pair = new TransportPair(kind, clientSettings: small);
        var (client, server, listener) = await ConnectAsync(pair);

        var frame = Frames.User("/user/fill", 8 * 1024);
        var sent = 0;
        SendResult result;
        while ((result = client.TrySend(frame)) == SendResult.Accepted)
        {
            sent++;
            if (sent > 100_000)
            {
                Assert.Fail("the send queue never filled");
            }
        }

        // (Asserted on the refused send itself: the writer drains concurrently, so a second
        // TrySend may already find room.)
        Assert.Equal(SendResult.QueueFull, result);
        var waiting = client.SendAsync(Frames.User("/user/after-the-flood")).AsTask();
        for (var i = 0; i < sent; i++)
        {
            Assert.NotNull(await server.ReceiveAsync().Within());
        }

        Assert.Equal(SendResult.Accepted, await waiting.Within());
        Assert.Equal("/user/after-the-flood", (await server.ReceiveAsync().Within())!.UserMessage.RecipientPath);
        await DisposeAllAsync(pair, listener, client, server);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Dial_names_the_address_when_nothing_listens(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var listener = await pair.Server.ListenAsync(TransportPair.AnyPort);
        var address = listener.LocalAddress;
        await listener.DisposeAsync();

        var error = await Assert.ThrowsAsync<TransportException>(async () => await pair.Client.DialAsync(address));
        Assert.Contains(address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, pair.Server.Counters.OpenListeners);
        await pair.AssertNoOpenConnectionsAsync();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AcceptAsync_returns_null_once_the_listener_is_disposed(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var listener = await pair.Server.ListenAsync(TransportPair.AnyPort);
        var accepting = listener.AcceptAsync().AsTask();
        await listener.DisposeAsync();
        Assert.Null(await accepting.Within());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Peer_disposal_ends_the_receive_with_the_peers_reason(TransportKind kind)
    {
        var pair = new TransportPair(kind);
        var (client, server, listener) = await ConnectAsync(pair);
        var receiving = server.ReceiveAsync().AsTask();

        await client.DisposeAsync();

        Assert.Null(await receiving.Within());
        var closed = await server.Completion.Within();
        Assert.True(closed.ByPeer);
        Assert.Equal(DisconnectReason.Shutdown, closed.Reason);
        await DisposeAllAsync(pair, listener, client, server);
    }

    internal static async Task<(IFrameConnection Client, IFrameConnection Server, ITransportListener Listener)> ConnectAsync(TransportPair pair)
    {
        var listener = await pair.Server.ListenAsync(TransportPair.AnyPort);
        var accepting = listener.AcceptAsync().AsTask();
        var client = await pair.Client.DialAsync(listener.LocalAddress).AsTask().Within();
        var server = await accepting.Within();
        return (client, server!, listener);
    }

    private static async Task DisposeAllAsync(TransportPair pair, ITransportListener listener, params IFrameConnection[] connections)
    {
        // Together: each side's close waits (up to the linger time) for the other to close too.
        await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).Within();

        await listener.DisposeAsync();
        await pair.AssertNoOpenConnectionsAsync();
        Assert.Equal(0, pair.Server.Counters.OpenListeners);
    }
}
