namespace PeerSync.Actors;

/// <summary>Equality and ordering by path plus uid, shared by every ref kind.</summary>
public abstract class ActorRefBase : IActorRef
{
    public abstract ActorPath Path { get; }

    public abstract void Tell(object message, IActorRef? sender);

    public bool Equals(IActorRef? other) =>
        other is not null && Path.Uid == other.Path.Uid && Path.Equals(other.Path);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path, Path.Uid);

    public int CompareTo(IActorRef? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byPath = Path.CompareTo(other.Path);
        return byPath != 0 ? byPath : Path.Uid.CompareTo(other.Path.Uid);
    }

    public override string ToString() => Path.Uid == 0 ? $"[{Path}]" : $"[{Path}#{Path.Uid}]";
}

/// <summary>
/// The runtime's view of a ref: it can also carry system messages (watch, stop, supervision).
/// Remote refs implement it too, so death watch works across nodes.
/// </summary>
public interface IInternalActorRef : IActorRef
{
    /// <summary>True once the actor is known to be stopped (always false for remote refs).</summary>
    bool IsTerminated { get; }

    /// <summary>The local system this ref belongs to (for a remote ref: the system that created it).</summary>
    ActorSystem System { get; }

    void SendSystemMessage(SystemMessage message);
}
