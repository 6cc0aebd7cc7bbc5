using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>One simulated process: a node id and address that survive restarts, and the current incarnation's machine.</summary>
public sealed class SimNode
{
    public SimNode(NodeId id, EndpointAddress address, long clockOffsetMs, double clockRate)
    {
        Id = id;
        Address = address;
        ClockOffsetMs = clockOffsetMs;
        ClockRate = clockRate;
    }

    public NodeId Id { get; }
    public EndpointAddress Address { get; }
    public long ClockOffsetMs { get; }
    public double ClockRate { get; }

    public ClusterMachine? Machine { get; set; }
    public int Restarts { get; set; }
    public bool Crashed { get; set; }
    public bool Paused { get; set; }
    public long WakeGeneration { get; set; }
    public bool SingletonRunning { get; set; }
    public long LastLocalMs { get; set; }

    /// <summary>Global time this node last woke from a pause.</summary>
    public long ResumedAtMs { get; set; } = long.MinValue / 2;
    public List<SimEvent> Buffered { get; } = [];

    public UniqueNode? Current => Machine?.Self;

    public bool Alive => Machine is not null && !Crashed;

    public bool Running => Alive && Machine!.Phase != ClusterPhase.Stopped;

    public long Local(long globalMs) => Math.Max(LastLocalMs, ClockOffsetMs + (long)Math.Floor(globalMs * ClockRate));

    public long GlobalOf(long localMs) => localMs >= long.MaxValue / 4 ? long.MaxValue : (long)Math.Ceiling((localMs - ClockOffsetMs) / ClockRate);
}
