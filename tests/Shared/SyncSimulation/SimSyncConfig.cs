using PeerSync.Sync.Configuration;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>The sync settings of both simulations: the production protocol with shorter waits.</summary>
internal static class SimSyncConfig
{
    /// <summary>
    /// Waits far shorter than production, so that a few simulated minutes cover many retries,
    /// backfills and anti-entropy rounds; the collection <c>places</c> is owned, every other one
    /// shared. The caller picks the backfill page and buffer sizes, the batch size and the
    /// retired-origin retention, which scenarios vary.
    /// </summary>
    public static SyncConfig Fast(int pageSize, int bufferSize, int maxBatch, TimeSpan retiredOriginRetention)
    {
        var options = new SyncOptions
        {
            Mode = "leaderless",
            BatchWindow = TimeSpan.FromMilliseconds(50),
            MaxBatch = maxBatch,
            SendTimeout = TimeSpan.FromMilliseconds(800),
            RetryBackoffMin = TimeSpan.FromMilliseconds(50),
            RetryBackoffMax = TimeSpan.FromMilliseconds(1000),
            MaxRetries = 6,
            ForwardDelay = TimeSpan.FromMilliseconds(500),
            SealInterval = TimeSpan.FromMilliseconds(300),
            WatermarkReportInterval = TimeSpan.FromMilliseconds(100),
            BackfillPageSize = pageSize,
            BackfillBufferSize = bufferSize,
            BackfillPageTimeout = TimeSpan.FromMilliseconds(1000),
            CatchUpSettle = TimeSpan.FromMilliseconds(500),
            CatchUpTimeout = TimeSpan.FromSeconds(60),
            AntiEntropyInterval = TimeSpan.FromSeconds(2),
            AntiEntropyRoundTimeout = TimeSpan.FromSeconds(2),
            RetiredOriginRetention = retiredOriginRetention,
        };
        options.Collections["places"] = new SyncCollectionOptions { Kind = "owned" };
        return options.ToConfig();
    }
}
