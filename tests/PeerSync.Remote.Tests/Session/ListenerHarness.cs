using System.Threading.Channels;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Session;

/// <summary>
/// A listening node ("server") that echoes every user frame of every session, plus one good,
/// established client session that tests use to prove the node keeps serving while another
/// connection misbehaves. Sessions from a peer named "stall" are flooded instead of echoed.
/// </summary>
internal sealed class ListenerHarness : IAsyncDisposable
{
    private readonly List<PeerSession> _sessions = [];
    private readonly List<Task> _loops = [];
    private int _echoCheck;

    private ListenerHarness(TransportPair pair, ManualTimeProvider time, CapturingLoggerProvider logs)
    {
        Pair = pair;
        Time = time;
        Logs = logs;
    }

    public TransportPair Pair { get; }

    public ManualTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public RemoteListener Listener { get; private set; } = null!;

    public PeerSession Good { get; private set; } = null!;

    /// <summary>How the flooded ("stall") session ended.</summary>
    public Channel<ConnectionClosed> StallClosures { get; } = Channel.CreateUnbounded<ConnectionClosed>();

    public static async Task<ListenerHarness> StartAsync(TransportKind kind, TransportSettings? serverSettings = null)
    {
        var logs = new CapturingLoggerProvider();
        var pair = new TransportPair(kind, serverSettings, logs: logs);
        var harness = new ListenerHarness(pair, new ManualTimeProvider(), logs);
        harness.Listener = await RemoteListener.StartAsync(
            pair.Server,
            TransportPair.AnyPort,
            new HandshakeRunner(TestNodes.Config("server"), RandomNonceSource.Instance, harness.Time),
            harness.OnSessionAsync,
            timeProvider: harness.Time,
            logger: logs.CreateLogger("listener"));
        var good = await harness.DialAsync(TestNodes.Config("good"));
        Assert.True(good.Succeeded, good.ToString());
        harness.Good = good.Session!;
        await harness.AssertGoodSessionEchoesAsync();
        return harness;
    }

    public Task<HandshakeResult> DialAsync(HandshakeConfig config) =>
        new RemoteDialer(Pair.Client, new HandshakeRunner(config, RandomNonceSource.Instance, Time)).ConnectAsync(Listener.LocalAddress).Within();

    /// <summary>The good session still round-trips a frame through the server.</summary>
    public async Task AssertGoodSessionEchoesAsync()
    {
        var path = "/user/echo/" + Interlocked.Increment(ref _echoCheck);
        Assert.Equal(SendResult.Accepted, Good.TrySend(Frames.User(path)));
        var echoed = await Good.ReceiveAsync().Within();
        Assert.Equal(path, echoed!.UserMessage.RecipientPath);
    }

    /// <summary>Advances the manual clock past the handshake timeout until <paramref name="closed"/> completes.</summary>
    public async Task<T> AdvanceUntilAsync<T>(Task<T> closed)
    {
        // The runner arms its deadline timer a moment after the connection arrives; advance in
        // steps until that timer has fired (bounded).
        for (var i = 0; i < 200 && !closed.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(6));
            await Task.WhenAny(closed, Task.Delay(25));
        }

        return await closed.Within();
    }

    private Task OnSessionAsync(PeerSession session, CancellationToken stopping)
    {
        lock (_sessions)
        {
            _sessions.Add(session);
            _loops.Add(session.Peer.Id.Value == "stall" ? FloodAsync(session) : EchoAsync(session));
        }

        return Task.CompletedTask;
    }

    private static async Task EchoAsync(PeerSession session)
    {
        while (await session.ReceiveAsync() is { } frame)
        {
            session.TrySend(frame);
        }
    }

    private async Task FloodAsync(PeerSession session)
    {
        var frame = Frames.User("/user/flood", 32 * 1024);
        while (await session.SendAsync(frame) == SendResult.Accepted)
        {
        }

        StallClosures.Writer.TryWrite(await session.Completion);
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        PeerSession[] sessions;
        Task[] loops;
        lock (_sessions)
        {
            sessions = [.. _sessions];
            loops = [.. _loops];
        }

        await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask()).Append(Good.DisposeAsync().AsTask())).Within();
        await Task.WhenAll(loops).Within();
        await Pair.AssertNoOpenConnectionsAsync();
        Assert.Equal(0, Pair.Server.Counters.OpenListeners);
        Assert.Equal(0, Listener.PendingHandshakes);
    }
}
