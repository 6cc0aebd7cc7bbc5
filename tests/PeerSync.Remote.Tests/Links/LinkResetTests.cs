using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Links under connection faults: resets (the connection fails at once) and refused dials.</summary>
public sealed class LinkResetTests
{
    private const int Messages = 20_000;
    private const int Resets = 20;

    /// <summary>At most this many messages are told and not yet received, so every reset finds a backlog queued, in flight and unacknowledged.</summary>
    private const int Window = 1_000;

    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp];

    /// <summary>
    /// a tells a numbered stream to b while the link is reset 20 times, each time when b has received
    /// a number of messages a seeded PRNG chose. The link's sequence numbers and resend must deliver
    /// every message once, in order, with nothing dead-lettered and no connection left behind.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_stream_told_across_repeated_resets_arrives_exactly_once_and_in_order(TransportKind kind)
    {
        const int seed = 20_261_121;
        var faults = new FaultInjector(seed);
        var network = new TestNetwork(kind, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var stream = new ReceivedStream();
        b.System.ActorOf(Props.Create(() => new SequenceActor(stream)), "inbox");
        var target = a.RefTo(b, "/user/inbox");
        var resetPoints = ResetPoints(new Random(seed));
        string Diagnostics() => $"seed {seed}, {stream}\n" + string.Join("\n", a.Logs.Entries.Concat(b.Logs.Entries).TakeLast(60).Select(e => e.ToString()));

        var sender = Task.Run(async () =>
        {
            for (var n = 0; n < Messages; n++)
            {
                while (n - stream.Count >= Window)
                {
                    await Task.Delay(1);
                }

                target.Tell(new Ping(n), null);
            }
        });

        foreach (var point in resetPoints)
        {
            await Eventually.TrueAsync(() => stream.Count >= point || sender.IsFaulted, $"b to receive {point} messages", Diagnostics);
            Assert.Equal(PeerLinkState.Connected, a.Remoting.PeerStates.StateOf(b.Id));
            var session = ActiveSession(a, b);
            Assert.InRange(faults.Reset(a.Endpoint, b.Endpoint), 1, 2);
            await Eventually.TrueAsync(() => ConnectedOnAnotherSession(a, b, session), $"the link to be connected again after the reset at {point}", Diagnostics);
        }

        await sender.Within();
        await Eventually.TrueAsync(() => stream.Count == Messages, $"all {Messages} messages", Diagnostics);

        Assert.True(stream.Anomalies.Count == 0, Diagnostics());
        Assert.Equal(Messages, stream.Count);
        Assert.Empty(a.DeadLetters);
        Assert.Empty(b.DeadLetters);
        Assert.True(faults.ResetConnections >= Resets, $"{faults.ResetConnections} connections reset");
        Assert.Contains(a.Logs.Entries.Concat(b.Logs.Entries), e => e.Message.Contains("connection reset (fault injected", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "everything acknowledged", Diagnostics);

        // Steady state: one connection per node, the link's; every reset one is closed and freed.
        // Awaited on both nodes at once rather than checked one after the other: a connection can
        // still open after the first check (a redial on a loaded machine: a dial still in flight,
        // or a reconnect after a heartbeat timeout) and close again, but a leaked one never closes.
        await Eventually.TrueAsync(
            () => a.Remoting.Transport.Counters.OpenConnections == 1 && b.Remoting.Transport.Counters.OpenConnections == 1,
            "one open connection on each node",
            () => $"a: {a.Remoting.Transport.Counters}; b: {b.Remoting.Transport.Counters}\n{Diagnostics()}");
        Assert.True(a.Remoting.Transport.Counters.OpenedConnections + b.Remoting.Transport.Counters.OpenedConnections >= 2 * (Resets + 1));
    }

    /// <summary>
    /// While dials are refused, a link that lost its connection stays Connecting and says why (each
    /// dial fails at once with the refusal, no timeout); what is told meanwhile waits, and after Heal
    /// the link connects and delivers it.
    /// </summary>
    [Fact]
    public async Task A_refused_link_stays_connecting_with_the_refusal_logged_and_connects_after_heal()
    {
        var faults = new FaultInjector(seed: 3);
        var network = new TestNetwork(TransportKind.Tcp, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");
        target.Tell(new Ping(0), null);
        inbox.ExpectMsg<Ping>();

        faults.Refuse(a.Endpoint, b.Endpoint);
        // The open connection is untouched by the refusal.
        target.Tell(new Ping(1), null);
        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>());
        Assert.Equal(PeerLinkState.Connected, a.Remoting.PeerStates.StateOf(b.Id));

        Assert.Equal(1, faults.Reset(a.Endpoint, b.Endpoint));
        await Eventually.TrueAsync(() => faults.RefusedDials >= 4, "several refused dials");
        target.Tell(new Ping(2), null);

        Assert.Equal(PeerLinkState.Connecting, a.Remoting.PeerStates.StateOf(b.Id));
        Assert.Equal(PeerLinkState.Connecting, b.Remoting.PeerStates.StateOf(a.Id));
        Assert.Contains("connection reset (fault injected", a.Remoting.PeerStates.Get(b.Id)!.Reason, StringComparison.Ordinal);
        Assert.Contains(
            a.Logs.Entries.Concat(b.Logs.Entries),
            e => e.Message.Contains("failed: ConnectionLost: connection refused (fault injected)", StringComparison.Ordinal));
        inbox.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        faults.Heal(a.Endpoint, b.Endpoint);
        Assert.Equal(new Ping(2), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(PeerLinkState.Connected, a.Remoting.PeerStates.StateOf(b.Id));
        Assert.Empty(a.DeadLetters);
        Assert.Empty(b.DeadLetters);
    }

    /// <summary>
    /// Regression (found by the stream test above, seed 20261121 over TCP): b's acknowledgement was
    /// lost with a reset connection, and on the next session b skipped a's resent entries (already
    /// delivered) without acknowledging them again, so a held them unacknowledged for good. Here
    /// the acknowledgement is lost for certain (b's frames to a are blackholed, and heartbeats are
    /// too rare to send anything else), then the link is reset and healed.
    /// </summary>
    [Fact]
    public async Task An_acknowledgement_lost_with_a_reset_connection_is_sent_again_on_the_next_session()
    {
        var faults = new FaultInjector(seed: 4);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a", QuietLink);
        await using var b = await RemoteTestNode.StartAsync(network, "b", QuietLink);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");
        target.Tell(new Ping(0), null);
        inbox.ExpectMsg<Ping>();
        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "the first message acknowledged");

        faults.Blackhole(a.Endpoint, b.Endpoint, FaultDirection.SecondToFirst);
        for (var i = 1; i <= 10; i++)
        {
            target.Tell(new Ping(i), null);
        }

        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>());
        }

        await Eventually.TrueAsync(() => faults.DroppedFrames >= 1, "b's acknowledgement lost");
        Assert.Equal(10, a.Remoting.BufferedMessages(b.Id));
        var dropped = faults.DroppedFrames;
        faults.Heal(a.Endpoint, b.Endpoint);
        var session = ActiveSession(a, b);
        Assert.Equal(1, faults.Reset(a.Endpoint, b.Endpoint));
        await Eventually.TrueAsync(() => ConnectedOnAnotherSession(a, b, session), "the link connected again");

        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "the resent entries acknowledged", () => $"{a.Remoting.BufferedMessages(b.Id)} unacknowledged");
        inbox.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(dropped, faults.DroppedFrames);
    }

    /// <summary>
    /// Regression (stress run of 22 Nov, the test above, 1 run in 20 on a loaded machine): a .NET
    /// timer may fire a little before its delay has passed on the clock the link machine reads; the
    /// retry after a lost session then found itself not due yet, and nothing redialed until the next
    /// heartbeat tick, a minute later with these links. Here every timer fires 15 ms early (a
    /// retry's backoff is 20-24 ms): after each reset both links must still redial within it.
    /// </summary>
    [Fact]
    public async Task A_link_whose_retry_timer_fires_early_redials_when_the_backoff_ends()
    {
        var faults = new FaultInjector(seed: 5);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        var early = new EarlyTimers(TimeSpan.FromMilliseconds(15));
        await using var a = await RemoteTestNode.StartAsync(network, "a", QuietLink, time: early);
        await using var b = await RemoteTestNode.StartAsync(network, "b", QuietLink, time: early);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");
        target.Tell(new Ping(0), null);
        inbox.ExpectMsg<Ping>();

        for (var reset = 1; reset <= 3; reset++)
        {
            var session = ActiveSession(a, b);
            Assert.Equal(1, faults.Reset(a.Endpoint, b.Endpoint));
            await Eventually.TrueAsync(
                () => ConnectedOnAnotherSession(a, b, session),
                $"the link connected again after reset {reset}",
                () => $"a: {a.Remoting.PeerStates.Get(b.Id)}; b: {b.Remoting.PeerStates.Get(a.Id)}");
        }

        target.Tell(new Ping(1), null);
        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>());
        Assert.Empty(a.DeadLetters);
        Assert.Empty(b.DeadLetters);
    }

    /// <summary>Links that send nothing of their own for a minute (heartbeats), so a test controls every frame.</summary>
    private static void QuietLink(Remote.Configuration.RemoteOptions options)
    {
        options.Link.HeartbeatInterval = TimeSpan.FromMinutes(1);
        options.Link.HeartbeatTimeout = TimeSpan.FromMinutes(2);
    }

    /// <summary>The id of the session a's link to b carries messages on (null while it has none).</summary>
    private static long? ActiveSession(RemoteTestNode a, RemoteTestNode b) => a.Remoting.Endpoints.Find(b.Id)?.ActiveSessionId;

    /// <summary>
    /// a's link to b is connected again after a reset: it carries messages on a session other than
    /// <paramref name="previous"/> (the one reset), and both links use one open connection. Not "a
    /// newer connected status": when b redials before a has processed the loss of the reset session,
    /// b's session replaces it and a's link stays Connected throughout, so its status, and the
    /// status's version, never change. And not a's side alone: while both nodes redial at once,
    /// each may briefly keep a connection the other is closing.
    /// </summary>
    private static bool ConnectedOnAnotherSession(RemoteTestNode a, RemoteTestNode b, long? previous) =>
        a.Remoting.PeerStates.IsAvailable(b.Id)
        && ActiveSession(a, b) is { } current && current != previous
        && a.Remoting.Endpoints.Find(b.Id)?.ActiveSession?.Connection is { CloseReason: null } mine
        && b.Remoting.Endpoints.Find(a.Id)?.ActiveSession?.Connection is { CloseReason: null } theirs
        && mine.LocalEndpoint == theirs.RemoteEndpoint
        && mine.RemoteEndpoint == theirs.LocalEndpoint;

    /// <summary>Where the resets happen: one in each twenty-first of the stream, at a seeded offset within it.</summary>
    private static List<int> ResetPoints(Random random)
    {
        var slice = Messages / (Resets + 1);
        return [.. Enumerable.Range(1, Resets).Select(i => (i * slice) - (slice / 2) + random.Next(slice))];
    }

    /// <summary>What b's inbox received: a count, and every number out of sequence (a gap or a repeat).</summary>
    private sealed class ReceivedStream
    {
        private readonly List<string> _anomalies = [];
        private int _count;
        private int _expected;

        public int Count => Volatile.Read(ref _count);

        public IReadOnlyList<string> Anomalies
        {
            get
            {
                lock (_anomalies)
                {
                    return [.. _anomalies];
                }
            }
        }

        /// <summary>Called by the one actor that receives the stream.</summary>
        public void Received(int n)
        {
            if (n != _expected)
            {
                lock (_anomalies)
                {
                    _anomalies.Add(n < _expected ? $"{n} again after {_expected - 1}" : $"{n} after {_expected - 1}: {n - _expected} missing");
                }
            }

            _expected = n + 1;
            Interlocked.Increment(ref _count);
        }

        public override string ToString() => $"received {Count}, anomalies: {string.Join("; ", Anomalies.Take(20))}";
    }

    private sealed class SequenceActor(ReceivedStream stream) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is Ping ping)
            {
                stream.Received(ping.N);
                return true;
            }

            return false;
        }
    }
}
