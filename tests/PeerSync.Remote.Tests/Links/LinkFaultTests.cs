using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Links under network faults: a silent (blackholed) link is detected, messages wait, and after healing arrive once, in order.</summary>
public sealed class LinkFaultTests
{
    private static void FastFailureDetection(Remote.Configuration.RemoteOptions options)
    {
        options.Link.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.Link.HeartbeatTimeout = TimeSpan.FromMilliseconds(500);
        options.HandshakeTimeout = TimeSpan.FromSeconds(1);
    }

    [Fact]
    public async Task A_blackholed_link_goes_down_buffers_and_delivers_everything_in_order_once_healed()
    {
        var faults = new FaultInjector(seed: 1);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a", FastFailureDetection);
        await using var b = await RemoteTestNode.StartAsync(network, "b", FastFailureDetection);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");
        for (var i = 0; i < 10; i++)
        {
            target.Tell(new Ping(i), null);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>());
        }

        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "the first ten acknowledged");
        faults.Blackhole(a.Endpoint, b.Endpoint);
        // Sent into the void: written to the connection, never acknowledged.
        for (var i = 10; i < 60; i++)
        {
            target.Tell(new Ping(i), null);
        }

        // Whichever side notices the silence first closes the session; the other then sees it closed.
        await Eventually.TrueAsync(
            () => a.Remoting.PeerStates.StateOf(b.Id) == PeerLinkState.Connecting
                && a.Logs.Entries.Concat(b.Logs.Entries).Any(e => e.Message.Contains("session lost: ConnectionLost (local): no frame from the peer for", StringComparison.Ordinal)),
            "the silent link to be noticed (heartbeat timeout)",
            () => string.Join("\n", a.Logs.Entries.Concat(b.Logs.Entries).Select(e => e.ToString())));
        // Sent while the link is down: buffered.
        for (var i = 60; i < 100; i++)
        {
            target.Tell(new Ping(i), null);
        }

        Assert.Equal(90, a.Remoting.BufferedMessages(b.Id));
        inbox.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        faults.Heal(a.Endpoint, b.Endpoint);

        for (var i = 10; i < 100; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>(timeout: TimeSpan.FromSeconds(15)));
        }

        target.Tell(new Ping(100), null);
        Assert.Equal(new Ping(100), inbox.ExpectMsg<Ping>());
        Assert.Empty(a.DeadLetters);
        Assert.Empty(b.DeadLetters);
        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "everything acknowledged");
    }

    [Fact]
    public async Task Delayed_batches_arrive_intact_and_in_order()
    {
        // The writer reuses its batch buffer at once; a delayed frame must not change meanwhile.
        var faults = new FaultInjector(seed: 2);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");
        target.Tell(new Ping(-1), null);
        inbox.ExpectMsg<Ping>();

        faults.Delay(a.Endpoint, b.Endpoint, TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 500; i++)
        {
            target.Tell(new Ping(i), null);
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>());
        }

        Assert.True(faults.DelayedFrames > 0);
        Assert.Empty(b.DeadLetters);
        // Delivered by the first session, not recovered by a reconnect after a garbled batch.
        Assert.DoesNotContain(b.Logs.Entries, e => e.Message.Contains("malformed", StringComparison.OrdinalIgnoreCase));
        Assert.Single(a.Logs.Entries, e => e.Message.Contains("-> Connected", StringComparison.Ordinal));
    }
}
