using PeerSync.Actors;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>Two (and three) actor systems exchanging messages through remoting, on every transport.</summary>
public sealed class RemoteMessagingTests
{
    public static TheoryData<TransportKind> Kinds => [TransportKind.InMemory, TransportKind.Tcp, TransportKind.Tls];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Tell_reaches_a_remote_actor_and_the_reply_comes_back_through_Sender(TransportKind kind)
    {
        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        b.System.ActorOf(Props.Create(() => new PongActor()), "pong");
        var probe = a.CreateProbe();

        var pong = a.RefTo(b, "/user/pong");
        for (var i = 0; i < 10; i++)
        {
            pong.Tell(new Ping(i), probe.Ref);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new Pong(i), probe.ExpectMsg<Pong>());
        }

        Assert.Equal(b.Remoting.Address, probe.LastSender!.Path.Address);
        Assert.Equal(0, a.DeadLetterCount());
        Assert.Equal(0, b.DeadLetterCount());
    }
}
