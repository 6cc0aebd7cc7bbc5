using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>Something scheduled at a global virtual time.</summary>
public abstract record SimEvent
{
    public sealed record Deliver(SimNode To, UniqueNode? ToNode, ClusterEnvelope Envelope) : SimEvent;

    public sealed record Wake(SimNode Node, long Generation) : SimEvent;

    public sealed record SingletonStopped(SimNode Node, UniqueNode Incarnation) : SimEvent;

    public sealed record Resume(SimNode Node) : SimEvent;

    public sealed record Scripted(string Name, Action Run) : SimEvent;
}

/// <summary>One line of the transcript: what a node's machine produced at a global time.</summary>
public sealed record SimRecord(long AtMs, NodeId Node, string Kind, string Text);

/// <summary>A simulation invariant failed; the message names the seed so the run can be replayed.</summary>
public sealed class SimInvariantException : Exception
{
    public SimInvariantException()
    {
    }

    public SimInvariantException(string message)
        : base(message)
    {
    }

    public SimInvariantException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
