using PeerSync.Actors;
using PeerSync.Actors.Serialization;

namespace PeerSync.Remote.Tests.Support;

public sealed record Ping(int N);

public sealed record Pong(int N);

/// <summary>A message carrying a ref (serialized as a path by <see cref="Refs.ActorRefJsonConverter"/>).</summary>
public sealed record Introduce(IActorRef Who, string Note);

public static class TestMessages
{
    /// <summary>Registers the test message types on <paramref name="system"/>'s serializer registry.</summary>
    public static ActorSystem WithTestMessages(this ActorSystem system)
    {
        var registry = system.Serialization();
        registry.AddJson<Ping>("test.ping");
        registry.AddJson<Pong>("test.pong");
        registry.AddJson<Introduce>("test.introduce", Refs.ActorRefJsonConverter.Options(system));
        return system;
    }
}

/// <summary>Replies to every message with the same message.</summary>
public sealed class EchoActor : ActorBase
{
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}

/// <summary>Answers Ping(n) with Pong(n).</summary>
public sealed class PongActor : ActorBase
{
    protected override bool Receive(object message)
    {
        if (message is Ping ping)
        {
            Sender.Tell(new Pong(ping.N), Self);
            return true;
        }

        return false;
    }
}

/// <summary>Forwards everything to a probe (keeping the sender), so a test sees what arrives at a path.</summary>
public sealed class RelayActor(IActorRef target) : ActorBase
{
    protected override bool Receive(object message)
    {
        target.Tell(message, Sender);
        return true;
    }
}
