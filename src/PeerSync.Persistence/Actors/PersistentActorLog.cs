using Microsoft.Extensions.Logging;

namespace PeerSync.Persistence;

/// <summary>Every log line a persistent actor writes, as constant templates.</summary>
internal static partial class PersistentActorLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Error,
        Message = "Failed to persist {EventType} of {PersistenceId} at sequence nr {SeqNo}; stopping (the outcome of the write is unknown: a restart recovers from the journal)")]
    public static partial void PersistFailed(ILogger logger, Exception exception, string eventType, string persistenceId, long seqNo);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
        Message = "Rejected {EventType} of {PersistenceId} at sequence nr {SeqNo} before writing it: {Reason}; the handler does not run, the actor goes on")]
    public static partial void PersistRejected(ILogger logger, Exception exception, string eventType, string persistenceId, long seqNo, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error,
        Message = "Recovery of {PersistenceId} failed at sequence nr {SeqNo}: {Reason}; stopping")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception, string persistenceId, long seqNo, string reason);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug,
        Message = "Recovered {PersistenceId} to sequence nr {SeqNo} from snapshot at {SnapshotSeqNo} and {Events} events in {Elapsed}")]
    public static partial void Recovered(ILogger logger, string persistenceId, long seqNo, long snapshotSeqNo, long events, TimeSpan elapsed);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning,
        Message = "{Operation} of {PersistenceId} failed and the actor does not handle {Reply}: {Reason}")]
    public static partial void UnhandledFailureReply(ILogger logger, Exception exception, string operation, string persistenceId, string reply, string reason);
}
