using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Watching actors on other nodes: Terminated on stop, on quarantine, and when the cluster removes the node.</summary>
public sealed class RemoteDeathWatchTests
{
    [Fact]
    public async Task Watching_a_remote_actor_gives_Terminated_when_it_stops()
    {
        var network = new TestNetwork(TransportKind.Tcp);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var watcher = a.CreateProbe();
        var remote = a.RefTo(b, "/user/target");
        watcher.Watch(remote);
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 1, "the watch reached b");

        b.System.Stop(target);

        var terminated = watcher.ExpectTerminated(remote);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
        Assert.Equal(0, a.Remoting.Watcher.OutboundCount);
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 0, "b forgot the watch");
    }

    [Fact]
    public async Task Watching_a_remote_actor_that_does_not_exist_gives_Terminated_at_once()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var watcher = a.CreateProbe();
        var remote = a.RefTo(b, "/user/nobody");

        watcher.Watch(remote);

        var terminated = watcher.ExpectTerminated(remote);
        Assert.False(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
    }

    [Fact]
    public async Task A_remote_actor_watching_a_local_one_is_told_when_it_stops()
    {
        // The watcher is on a, the watchee on b, and the watch is set up by a's actor itself.
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var probe = a.CreateProbe();
        a.System.ActorOf(Props.Create(() => new WatchingActor(a.RefTo(b, "/user/target"), probe.Ref)), "watcher");
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 1, "the watch reached b");

        target.Tell(PoisonPill.Instance, null);

        var terminated = probe.ExpectMsg<SawTerminated>().Terminated;
        Assert.Equal("/user/target", terminated.ActorRef.Path.ToStringWithoutAddress());
        Assert.True(terminated.ExistenceConfirmed);
    }

    [Fact]
    public async Task Unwatching_a_remote_actor_stops_its_Terminated()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var watcher = a.CreateProbe();
        var remote = a.RefTo(b, "/user/target");
        watcher.Watch(remote);
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 1, "the watch reached b");

        watcher.Unwatch(remote);
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 0, "the unwatch reached b");
        b.System.Stop(target);

        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task NodeRemoved_gives_Terminated_with_AddressTerminated_and_ends_the_link_to_that_incarnation()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var watcher = a.CreateProbe();
        var remote = a.RefTo(b, "/user/target");
        watcher.Watch(remote);
        // b watches one of a's actors too: a must drop that watch when b's incarnation is gone.
        var local = a.System.ActorOf(Props.Create(() => new EchoActor()), "local");
        var remoteWatcher = b.CreateProbe();
        remoteWatcher.Watch(b.RefTo(a, "/user/local"));
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 1 && a.Remoting.Watcher.InboundCount == 1, "the watches arrived");

        a.Remoting.NodeRemoved(b.Node);

        var terminated = watcher.ExpectTerminated(remote);
        Assert.True(terminated.AddressTerminated);
        Assert.Equal(0, a.Remoting.Watcher.InboundCount);
        await Eventually.TrueAsync(() => a.Remoting.PeerStates.StateOf(b.Id) == PeerLinkState.Disconnected, "a's link to b stopped");
        remote.Tell(new Ping(1), null);
        Assert.Contains(a.DeadLetters, d => d.Message is Ping && d.Reason == $"quarantined: incarnation {b.Node} is quarantined");
        Assert.True(a.Remoting.IsQuarantined(b.Node));
        _ = local;
    }

    [Fact]
    public async Task Quarantine_gives_watchers_Terminated_with_AddressTerminated()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var watcher = a.CreateProbe();
        var remote = a.RefTo(b, "/user/target");
        watcher.Watch(remote);
        await Eventually.TrueAsync(() => b.Remoting.Watcher.InboundCount == 1, "the watch reached b");

        a.Remoting.Quarantine(b.Node, "operator says so");

        Assert.True(watcher.ExpectTerminated(remote).AddressTerminated);
        // A watch set up afterwards is answered at once: that incarnation is gone.
        var late = a.CreateProbe();
        late.Watch(remote);
        Assert.True(late.ExpectTerminated(remote).AddressTerminated);
    }

    /// <summary>What <see cref="WatchingActor"/> reports (a Terminated itself would be dropped by the probe, which did not watch).</summary>
    private sealed record SawTerminated(Terminated Terminated);

    /// <summary>Watches its subject from inside an actor and reports the Terminated to a probe.</summary>
    private sealed class WatchingActor(IActorRef subject, IActorRef probe) : ActorBase
    {
        protected override void PreStart() => Context.Watch(subject);

        protected override bool Receive(object message)
        {
            if (message is Terminated terminated)
            {
                probe.Tell(new SawTerminated(terminated), Self);
                return true;
            }

            return false;
        }
    }
}
