using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Links;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Two (and three) actor systems exchanging messages through remoting, on every transport.</summary>
public sealed class RemoteMessagingTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Tell_reaches_remote_actors_both_ways_and_replies_come_back_through_Sender(TransportKind kind)
    {
        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages().ActorOf(Props.Create(() => new PongActor()), "pong");
        b.System.WithTestMessages().ActorOf(Props.Create(() => new PongActor()), "pong");
        var probeA = a.CreateProbe();
        var probeB = b.CreateProbe();

        var pongOnB = a.RefTo(b, "/user/pong");
        var pongOnA = b.RefTo(a, "/user/pong");
        for (var i = 0; i < 100; i++)
        {
            pongOnB.Tell(new Ping(i), probeA.Ref);
            pongOnA.Tell(new Ping(1000 + i), probeB.Ref);
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(new Pong(i), probeA.ExpectMsg<Pong>());
            Assert.Equal(new Pong(1000 + i), probeB.ExpectMsg<Pong>());
        }

        Assert.Equal(b.Remoting.Address, probeA.LastSender!.Path.Address);
        Assert.IsType<RemoteActorRef>(probeA.LastSender);
        Assert.Equal(a.Remoting.Address, probeB.LastSender!.Path.Address);
        Assert.Equal(0, a.DeadLetterCount() + b.DeadLetterCount());
        Assert.Equal(PeerLinkState.Connected, a.Remoting.PeerStates.StateOf(b.Id));
        Assert.Equal(PeerLinkState.Connected, b.Remoting.PeerStates.StateOf(a.Id));
    }

    [Fact]
    public async Task Ask_across_nodes_gets_the_remote_reply()
    {
        var network = new TestNetwork(TransportKind.Tcp);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages().ActorOf(Props.Create(() => new PongActor()), "pong");

        var reply = await a.RefTo(b, "/user/pong").Ask<Pong>(new Ping(7), TimeSpan.FromSeconds(10));

        Assert.Equal(new Pong(7), reply);
    }

    [Fact]
    public async Task Refs_travel_inside_messages_and_work_on_the_receiving_node()
    {
        // A introduces its probe to B's relay inside a JSON message; B answers the introduced ref
        // directly, and a ref round-tripped through its text form is the same ref.
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var probeA = a.CreateProbe();

        a.RefTo(b, "/user/inbox").Tell(new Introduce(probeA.Ref, "hello"), null);

        var introduced = inbox.ExpectMsg<Introduce>();
        Assert.Equal("hello", introduced.Note);
        Assert.IsType<RemoteActorRef>(introduced.Who);
        Assert.Equal(probeA.Ref.Path, introduced.Who.Path);
        Assert.Equal(probeA.Ref.Path.Uid, introduced.Who.Path.Uid);
        introduced.Who.Tell(new Pong(1), null);
        Assert.Equal(new Pong(1), probeA.ExpectMsg<Pong>());

        var text = Remoting.FormatRef(probeA.Ref);
        Assert.Equal($"{a.Remoting.Address}{probeA.Ref.Path.ToStringWithoutAddress()}#{probeA.Ref.Path.Uid}", text);
        Assert.Equal(probeA.Ref, a.Remoting.ResolveRef(text));
        Assert.Equal(introduced.Who, b.Remoting.ResolveRef(text));
        Assert.Throws<FormatException>(() => b.Remoting.ResolveRef("not a path"));
    }

    [Fact]
    public async Task Three_nodes_relay_a_message_and_the_third_answers_the_first_directly()
    {
        var network = new TestNetwork(TransportKind.Tcp);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        await using var c = await RemoteTestNode.StartAsync(network, "c");
        foreach (var node in new[] { a, b, c })
        {
            node.System.WithTestMessages();
        }

        c.System.ActorOf(Props.Create(() => new PongActor()), "pong");
        b.System.ActorOf(Props.Create(() => new RelayActor(b.RefTo(c, "/user/pong"))), "relay");
        var probe = a.CreateProbe();

        a.RefTo(b, "/user/relay").Tell(new Ping(3), probe.Ref);

        Assert.Equal(new Pong(3), probe.ExpectMsg<Pong>());
        Assert.Equal(c.Remoting.Address, probe.LastSender!.Path.Address);
        Assert.Equal(PeerLinkState.Connected, a.Remoting.PeerStates.StateOf(c.Id));
        Assert.Equal(PeerLinkState.Connected, c.Remoting.PeerStates.StateOf(a.Id));
    }

    [Fact]
    public async Task PoisonPill_told_to_a_remote_ref_stops_the_remote_actor()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "victim");
        var watcher = b.CreateProbe();
        watcher.Watch(target);

        a.RefTo(b, "/user/victim").Tell(PoisonPill.Instance, null);

        watcher.ExpectTerminated(target);
    }

    [Fact]
    public async Task A_message_without_a_serializer_is_a_dead_letter_at_the_sender_with_the_reason()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var target = a.RefTo(b, "/user/anything");

        target.Tell(new Unregistered(1), null);

        var letter = Assert.Single(a.DeadLetters);
        Assert.IsType<Unregistered>(letter.Message);
        Assert.StartsWith("unserializable: no serializer is registered for", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(target, letter.Recipient);
    }

    [Fact]
    public async Task A_message_larger_than_max_frame_size_is_a_dead_letter_at_the_sender()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.Serialization().AddJson<Blob>("test.blob");
        b.System.Serialization().AddJson<Blob>("test.blob");
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");

        target.Tell(new Blob(new string('x', 2 * 1024 * 1024)), null);
        target.Tell(new Blob("small"), null);

        Assert.Equal(new Blob("small"), inbox.ExpectMsg<Blob>());
        var letter = Assert.Single(a.DeadLetters);
        Assert.StartsWith("too-large: the message takes up to", letter.Reason, StringComparison.Ordinal);
        Assert.EndsWith("but max-frame-size is 1048576", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_messages_near_the_frame_limit_travel_one_per_batch()
    {
        var network = new TestNetwork(TransportKind.Tcp);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.Serialization().AddJson<Blob>("test.blob");
        b.System.Serialization().AddJson<Blob>("test.blob");
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");

        for (var i = 0; i < 10; i++)
        {
            target.Tell(new Blob(new string((char)('a' + i), 900 * 1024)), null);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal((char)('a' + i), inbox.ExpectMsg<Blob>(timeout: TimeSpan.FromSeconds(10)).Text[0]);
        }

        Assert.Empty(a.DeadLetters);
    }

    private sealed record Unregistered(int N);

    private sealed record Blob(string Text);
}
