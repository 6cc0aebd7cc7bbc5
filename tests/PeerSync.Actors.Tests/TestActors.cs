using PeerSync.Actors;

namespace PeerSync.Actors.Tests;

/// <summary>Small actors shared by the runtime tests.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Counts "inc" messages; replies with the count to "get"; throws the exception it is sent.</summary>
internal sealed class CounterActor : ReceiveActor
{
    private int _count;

    public CounterActor(IActorRef? lifecycle = null)
    {
        Receive<string>(s => s == "inc", _ => _count++);
        Receive<string>(s => s == "get", _ => Sender.Tell(_count, Self));
        Receive<Exception>(e => throw e);
        Lifecycle = lifecycle;
    }

    private IActorRef? Lifecycle { get; }

    protected internal override void PreStart() => Lifecycle?.Tell("PreStart", Self);

    protected internal override void PostStop() => Lifecycle?.Tell("PostStop", Self);

    protected internal override void PreRestart(Exception reason, object? message)
    {
        Lifecycle?.Tell($"PreRestart:{reason.Message}", Self);
        base.PreRestart(reason, message);
    }

    protected internal override void PostRestart(Exception reason)
    {
        Lifecycle?.Tell($"PostRestart:{reason.Message}", Self);
        base.PostRestart(reason);
    }
}

/// <summary>A parent whose strategy and children are given by the test; "create:name" makes a CounterActor child.</summary>
internal sealed class Supervisor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public Supervisor(SupervisorStrategy strategy, IActorRef? lifecycle = null)
    {
        _strategy = strategy;
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p), Self));
        Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name), Self));
        Receive<Exception>(e => throw e);
        Lifecycle = lifecycle;
    }

    private IActorRef? Lifecycle { get; }

    protected internal override void PostStop() => Lifecycle?.Tell("Supervisor.PostStop", Self);

    protected internal override SupervisorStrategy SupervisorStrategy() => _strategy;
}

internal sealed class TestException(string message) : Exception(message);
