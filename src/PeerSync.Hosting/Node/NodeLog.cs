using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;

namespace PeerSync.Hosting.Node;

internal static partial class NodeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} started at {Address} (data epoch {DataEpoch}, data dir {DataDir})")]
    public static partial void Started(ILogger logger, UniqueNode nodeId, EndpointAddress address, DataEpoch dataEpoch, string dataDir);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {NodeId} starts component {Component}")]
    public static partial void ComponentStarting(ILogger logger, UniqueNode nodeId, string component);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {NodeId}: component {Component} failed to stop ({Kind})")]
    public static partial void ComponentStopFailed(ILogger logger, Exception exception, UniqueNode nodeId, string component, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} is stopping")]
    public static partial void Stopping(ILogger logger, UniqueNode nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} left the cluster: {Reason}")]
    public static partial void Left(ILogger logger, UniqueNode nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} stops without confirmation of its removal after {Elapsed} ms; the others will down it")]
    public static partial void LeaveUnconfirmed(ILogger logger, UniqueNode nodeId, long elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} stopped in {Elapsed} ms")]
    public static partial void Stopped(ILogger logger, UniqueNode nodeId, long elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} is killed (no leave, no flush)")]
    public static partial void Killed(ILogger logger, UniqueNode nodeId);
}
