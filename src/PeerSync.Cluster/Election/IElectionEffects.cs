using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Election;

/// <summary>What the election asks its host (the cluster machine) to do.</summary>
public interface IElectionEffects
{
    void Send(UniqueNode to, ClusterMessage message);

    /// <summary>The singleton may start now: this node holds a majority lease for <paramref name="epoch"/>.</summary>
    void SingletonRun(Epoch epoch);

    /// <summary>The singleton must stop; the election waits for <see cref="ElectionMachine.OnSingletonStopped"/>.</summary>
    void SingletonStop(Epoch epoch, string reason);

    /// <summary>Raise the gossip's max epoch (a vote was cast or a campaign started).</summary>
    void RecordEpoch(Epoch epoch);

    /// <summary>Record this node as the winner of <paramref name="epoch"/> in the gossip.</summary>
    void RecordLeader(Epoch epoch, UniqueNode leader);

    /// <summary>Send a heartbeat round now (a new leader announces itself without waiting for the interval).</summary>
    void HeartbeatNow();

    void Notice(ClusterNotice notice);
}
