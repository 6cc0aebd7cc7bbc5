using PeerSync.Actors;

namespace PeerSync.Remote.Tests.Support;

/// <summary>A ref that is only a path: what the batch codec and the outbound log need, and nothing else.</summary>
internal sealed class PathRef(ActorPath path) : ActorRefBase
{
    public override ActorPath Path { get; } = path;

    public override void Tell(object message, IActorRef? sender) => throw new NotSupportedException("codec tests never deliver");
}
