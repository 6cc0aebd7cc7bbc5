using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>What the host feeds into <see cref="ClusterMachine.Step"/>.</summary>
public abstract record ClusterInput
{
    /// <summary>Time passed (the host calls this at or after <see cref="ClusterMachine.NextWakeMs"/>).</summary>
    public sealed record Tick : ClusterInput;

    /// <summary>Start joining through the configured seed nodes.</summary>
    public sealed record JoinSeedNodes : ClusterInput;

    /// <summary>A cluster message arrived from the network (sender authenticated by the link).</summary>
    public sealed record MessageReceived(ClusterEnvelope Envelope) : ClusterInput;

    /// <summary>Graceful leave of <paramref name="Node"/> (null: this node).</summary>
    public sealed record Leave(NodeId? Node) : ClusterInput;

    /// <summary>Operator's `down`: mark the current incarnation of <paramref name="Node"/> Down.</summary>
    public sealed record Down(NodeId Node) : ClusterInput;

    /// <summary>The singleton the machine asked to stop has stopped (needed before a handover completes).</summary>
    public sealed record SingletonStopped : ClusterInput;
}
