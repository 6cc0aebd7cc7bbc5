using PeerSync.Remote.Addressing;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.AntiEntropy;

public abstract record AntiEntropyInput;

/// <summary>A peer is connected and caught up enough to compare with (a round with it is due now).</summary>
public sealed record AntiEntropyPeerAvailable(NodeId Peer) : AntiEntropyInput;

public sealed record AntiEntropyPeerUnavailable(NodeId Peer) : AntiEntropyInput;

/// <summary>Both sides' bucket digests for the round.</summary>
public sealed record DigestsReceived(long RoundId, IReadOnlyList<BucketDigests> Local, IReadOnlyList<BucketDigests> Remote) : AntiEntropyInput;

/// <summary>Both sides' entries of the differing buckets (each side's read in one transaction).</summary>
public sealed record EntriesReceived(long RoundId, IReadOnlyList<BucketEntries> Local, IReadOnlyList<BucketEntries> Remote) : AntiEntropyInput;

/// <summary>The host pulled the records and applied the repair.</summary>
public sealed record RepairApplied(long RoundId, int RecordsChanged, int RecordsDeleted) : AntiEntropyInput;

public sealed record AntiEntropyTick : AntiEntropyInput;

public abstract record AntiEntropyCommand(NodeId Peer, long RoundId);

/// <summary>Read local bucket digests, ask the peer for its own, step <see cref="DigestsReceived"/>.</summary>
public sealed record ExchangeDigests(NodeId Peer, long RoundId) : AntiEntropyCommand(Peer, RoundId);

/// <summary>Read the entries of these buckets here and at the peer, step <see cref="EntriesReceived"/>.</summary>
public sealed record FetchBucketEntries(NodeId Peer, long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> Buckets) : AntiEntropyCommand(Peer, RoundId);

/// <summary>Pull the listed records from the peer and apply them with the deletions (<see cref="IRecordStore.ApplyRepairAsync"/>), step <see cref="RepairApplied"/>.</summary>
public sealed record PullAndRepair(NodeId Peer, long RoundId, IReadOnlyList<CollectionRepair> Repairs) : AntiEntropyCommand(Peer, RoundId);

public abstract record AntiEntropyNotice;

public sealed record AntiEntropyRoundCompleted(NodeId Peer, int BucketsDiffering, int RecordsRepaired, int RecordsDeleted) : AntiEntropyNotice;

public sealed record AntiEntropyRoundAbandoned(NodeId Peer, string Reason) : AntiEntropyNotice;

/// <summary>
/// An answer (<paramref name="Input"/>, the input's type name) for a round that is not the current one,
/// or not at that stage, changed nothing: the round was abandoned or superseded, or belonged to an
/// earlier machine. <paramref name="CurrentRoundId"/> is null when no round runs.
/// </summary>
public sealed record AntiEntropyAnswerIgnored(string Input, long RoundId, long? CurrentRoundId) : AntiEntropyNotice;

public sealed record AntiEntropyReady(IReadOnlyList<AntiEntropyCommand> Commands, IReadOnlyList<AntiEntropyNotice> Notices)
{
    public static readonly AntiEntropyReady Empty = new([], []);
}
