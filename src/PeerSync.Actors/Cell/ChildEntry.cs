namespace PeerSync.Actors;

/// <summary>A child as its parent tracks it: the ref plus the restart statistics its supervisor keeps.</summary>
internal sealed class ChildEntry(LocalActorRef actorRef)
{
    public LocalActorRef Ref { get; } = actorRef;

    public ChildRestartStats Stats { get; } = new();

    /// <summary>Set when the parent asked the child to stop; the parent waits for it before restarting or stopping itself.</summary>
    public bool Stopping { get; set; }
}
