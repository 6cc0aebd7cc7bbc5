using System.Diagnostics.Metrics;

namespace PeerSync.Persistence.GroupCommit;

/// <summary>
/// Group-commit figures through System.Diagnostics.Metrics (meter `PeerSync.Persistence`): how
/// many writes each transaction carried shows whether batching works under the node's load.
/// </summary>
internal static class GroupCommitMetrics
{
    public const string MeterName = "PeerSync.Persistence";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Atomic writes per committed transaction.</summary>
    public static readonly Histogram<int> BatchWrites = Meter.CreateHistogram<int>(
        "peersync.persistence.journal.batch.writes", "{write}", "Atomic writes carried by one journal transaction");

    /// <summary>Atomic writes that failed with a storage error (their batch's transaction failed).</summary>
    public static readonly Counter<long> FailedWrites = Meter.CreateCounter<long>(
        "peersync.persistence.journal.writes.failed", "{write}", "Journal writes failed by a storage error");

    /// <summary>Atomic writes rejected alone (sequence nr conflicts, or refused after a failure).</summary>
    public static readonly Counter<long> RejectedWrites = Meter.CreateCounter<long>(
        "peersync.persistence.journal.writes.rejected", "{write}", "Journal writes rejected without failing their batch");
}
