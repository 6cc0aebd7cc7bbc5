using System.Collections.Immutable;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Protocol;

/// <summary>A cluster wire message as the machines see it; <see cref="ClusterWire"/> converts to and from cluster.proto.</summary>
public abstract record ClusterMessage
{
    /// <summary>Short name for transcripts and notices.</summary>
    public abstract string Kind { get; }
}

/// <summary>A joining node asks a seed whether it is in a cluster.</summary>
public sealed record InitJoin : ClusterMessage
{
    public override string Kind => "InitJoin";
}

/// <summary>The seed is a member: send it a <see cref="Join"/>.</summary>
public sealed record InitJoinAck : ClusterMessage
{
    public override string Kind => "InitJoinAck";
}

/// <summary>The seed is not (yet) in a cluster.</summary>
public sealed record InitJoinNack : ClusterMessage
{
    public override string Kind => "InitJoinNack";
}

/// <summary>A node asks to join, describing itself.</summary>
public sealed record Join(Member Member) : ClusterMessage
{
    public override string Kind => "Join";
}

/// <summary>The joiner was added as Joining; here is the cluster's gossip.</summary>
public sealed record Welcome(Gossip Gossip) : ClusterMessage
{
    public override string Kind => "Welcome";
}

/// <summary>The join cannot be accepted now (e.g. the previous incarnation is still being removed); retry later.</summary>
public sealed record JoinRefused(string Reason) : ClusterMessage
{
    public override string Kind => "JoinRefused";
}

/// <summary>Full-state gossip.</summary>
public sealed record GossipMessage(Gossip Gossip) : ClusterMessage
{
    public override string Kind => "Gossip";
}

/// <summary>Digest of the sender's gossip content plus its seen set; the full state follows only if digests differ.</summary>
public sealed record GossipStatus(ulong Digest, ImmutableSortedSet<UniqueNode> Seen) : ClusterMessage
{
    public override string Kind => "GossipStatus";
}

/// <summary>
/// Sent to every member each heartbeat interval. A leader sets <see cref="LeaderEpoch"/> and asks
/// for a lease acknowledgement; a node that stepped down announces <see cref="ResignedEpoch"/>.
/// </summary>
public sealed record Heartbeat(long Sequence, long SentAtMs, Epoch LeaderEpoch, Epoch ResignedEpoch) : ClusterMessage
{
    public override string Kind => "Heartbeat";
}

/// <summary>Answer to a leader's heartbeat: whether the sender grants the lease, and the highest epoch it has promised.</summary>
public sealed record HeartbeatAck(long Sequence, long EchoSentAtMs, Epoch LeaderEpoch, bool LeaseGranted, Epoch PromisedEpoch) : ClusterMessage
{
    public override string Kind => "HeartbeatAck";
}

/// <summary>A candidate asks for a vote in <see cref="Epoch"/>, with the digest of its voting set.</summary>
public sealed record VoteRequest(Epoch Epoch, long SentAtMs, ulong VotingSetDigest, Epoch PredecessorEpoch, bool PredecessorResigned) : ClusterMessage
{
    public override string Kind => "VoteRequest";
}

/// <summary>A vote, or a refusal with the reason and when a retry could succeed.</summary>
public sealed record VoteResponse(Epoch Epoch, long EchoSentAtMs, bool Granted, Epoch PromisedEpoch, string Refusal, long RetryAfterMs) : ClusterMessage
{
    public override string Kind => "VoteResponse";
}

/// <summary>The leader of <see cref="Epoch"/> has stopped its singleton and hands over to <see cref="Successor"/>.</summary>
public sealed record HandOver(Epoch Epoch, UniqueNode Successor) : ClusterMessage
{
    public override string Kind => "HandOver";
}

/// <summary>The receiver's incarnation is Down or removed: it must stop its cluster part.</summary>
public sealed record Excluded(MemberStatus Status, string Reason) : ClusterMessage
{
    public override string Kind => "Excluded";
}

/// <summary>A message with its sender, as received from or sent to the network.</summary>
public sealed record ClusterEnvelope(UniqueNode From, EndpointAddress FromAddress, ClusterMessage Message);
