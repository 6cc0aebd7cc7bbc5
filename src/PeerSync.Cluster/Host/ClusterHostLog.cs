using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Host;

/// <summary>The cluster host's own log lines (the machine's notices are logged by <see cref="NoticeLog"/>).</summary>
internal static partial class ClusterHostLog
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "Cluster invariant violated on {NodeId}: {Reason}; the cluster part stops")]
    public static partial void InvariantViolated(ILogger logger, Exception exception, UniqueNode nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cluster host of {NodeId} failed handling {Kind}; the cluster part stops")]
    public static partial void HostFailed(ILogger logger, Exception exception, UniqueNode nodeId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} is quarantined by {PeerId}: {Reason}")]
    public static partial void QuarantinedByPeer(ILogger logger, UniqueNode nodeId, UniqueNode peerId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {NodeId} dropped {Kind} from {PeerId} meant for its earlier incarnation {Target}")]
    public static partial void DroppedForOtherIncarnation(ILogger logger, UniqueNode nodeId, string kind, UniqueNode peerId, UniqueNode target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Singleton {Singleton} starts on {NodeId} for epoch {Epoch}")]
    public static partial void SingletonStarting(ILogger logger, string singleton, UniqueNode nodeId, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Singletons of {NodeId} stop ({Count} running): {Reason}")]
    public static partial void SingletonsStopping(ILogger logger, UniqueNode nodeId, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Singletons of {NodeId} have stopped for epoch {Epoch}")]
    public static partial void SingletonsStopped(ILogger logger, UniqueNode nodeId, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Singleton {Singleton} on {NodeId} stopped by itself while this node leads epoch {Epoch}; it is not restarted")]
    public static partial void SingletonStoppedItself(ILogger logger, string singleton, UniqueNode nodeId, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {NodeId} was asked to run the singletons for epoch {Epoch} but lacks the role {Role}; nothing starts")]
    public static partial void SingletonRoleMissing(ILogger logger, UniqueNode nodeId, long epoch, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Singleton proxy for {Singleton} is full ({QueueDepth} messages buffered while the singleton has no known location); dropping new messages")]
    public static partial void ProxyBufferFull(ILogger logger, string singleton, int queueDepth);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Singleton proxy for {Singleton} located it on {Leader} (epoch {Epoch}); {QueueDepth} buffered messages sent")]
    public static partial void ProxyLocated(ILogger logger, string singleton, UniqueNode leader, long epoch, int queueDepth);
}
