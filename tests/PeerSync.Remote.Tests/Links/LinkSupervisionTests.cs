using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>The links actor's count of dormant links, and the shutdown answer that depends on it.</summary>
public sealed class LinkSupervisionTests
{
    /// <summary>
    /// Regression: a link's stop report overtaken by a wake (a dial-in offered to the link after it
    /// stopped, before its report arrived) counted the running link dormant, so AllLinksStopped was
    /// answered at once while that link still flushed, and shutdown closed under it. Here the late
    /// report is sent by hand after the link was woken again.
    /// </summary>
    [Fact]
    public async Task AllLinksStopped_waits_for_a_running_link_when_its_stale_LinkStopped_arrived()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var events = new System.Collections.Concurrent.ConcurrentQueue<PeerStatus>();
        using var subscription = a.System.EventStream.Subscribe<PeerStateChanged>(e => events.Enqueue(e.Current));
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b");
        a.Remoting.Disconnect(b.Id, "disconnected by the test");
        await Eventually.TrueAsync(
            () => events.Any(s => s is { State: PeerLinkState.Disconnected, Reason: "disconnected by the test" }),
            "a's link to b stopped",
            () => string.Join("\n", events));
        // Woken again (by this connect or by b redialing): the links actor has numbered that wake.
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.IsAvailable(b.Id), "a connected to b again");
        var links = a.System.ResolveLocal(ActorPath.Parse(a.Remoting.Address + "/system/remote/links"))!;
        var link = a.System.ResolveLocal(ActorPath.Parse(a.Remoting.Address + "/system/remote/links/b"))!;
        links.Tell(new LinkStopped(b.Id, WakeSeq.None), link);
        var target = a.RefTo(b, "/user/inbox");
        for (var i = 0; i < 20; i++)
        {
            target.Tell(new Ping(i), null);
        }

        await links.Ask<AllLinksStopped>(new DisconnectAll("shutdown by the test"), TimeSpan.FromSeconds(30));

        // The link closed its association (after flushing) before it reported the stop that was counted.
        Assert.Equal("shutdown by the test", a.Remoting.Endpoints.Find(b.Id)!.ClosedReason);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(new Ping(i), inbox.ExpectMsg<Ping>());
        }

        Assert.Equal(0, a.DeadLetterCount(d => d.Message is Ping));
    }
}
