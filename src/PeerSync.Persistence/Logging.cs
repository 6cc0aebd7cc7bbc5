using Microsoft.Extensions.Logging;

namespace PeerSync.Persistence;

/// <summary>Every log line persistence writes, as constant templates.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error,
        Message = "Journal batch of {BatchSize} writes failed; first persistence id {PersistenceId} from {SeqNo}")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int batchSize, string persistenceId, long seqNo);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug,
        Message = "Journal write rejected for {PersistenceId} from {SeqNo}: sequence nr conflict")]
    public static partial void WriteRejected(ILogger logger, string persistenceId, long seqNo);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information,
        Message = "Persistence schema at {Location} migrated from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaMigrated(ILogger logger, string location, int fromVersion, int toVersion);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Critical,
        Message = "Journal writer {Location} stopped by an unexpected error; pending writes failed")]
    public static partial void WriterCrashed(ILogger logger, Exception exception, string location);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information,
        Message = "Opened {Provider} persistence at {Location}")]
    public static partial void Opened(ILogger logger, string provider, string location);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning,
        Message = "Journal writer's connection to {Location} was lost while idle; writing the batch of {BatchSize} again on a new connection")]
    public static partial void WriterReconnected(ILogger logger, Exception exception, string location, int batchSize);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning,
        Message = "Pooled connection to {Location} was lost (the server restarted or ended it); dropped the idle connections and running {Operation} again on a new one")]
    public static partial void PooledConnectionLost(ILogger logger, Exception exception, string location, string operation);
}
