using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;

namespace PeerSync.Node.Startup;

/// <summary>The process host's log lines (structured templates).</summary>
internal static partial class NodeHostLog
{
    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Node {NodeId} runs: remote {Address}, HTTP {Http}, data dir {DataDir}; Ctrl-C or SIGTERM stops it")]
    public static partial void Running(ILogger logger, NodeId nodeId, EndpointAddress address, string http, string dataDir);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Node {NodeId}: {Reason}; stopping gracefully (bounded by {Elapsed})")]
    public static partial void ShuttingDown(ILogger logger, NodeId nodeId, string reason, TimeSpan elapsed);

    [LoggerMessage(EventId = 802, Level = LogLevel.Error, Message = "Node {NodeId} is no longer a cluster member ({Reason}); the process exits so that its supervisor restarts it as a new incarnation")]
    public static partial void ClusterPartStopped(ILogger logger, NodeId nodeId, string reason);

    [LoggerMessage(EventId = 803, Level = LogLevel.Error, Message = "Node {NodeId} did not stop within {Elapsed}; it is killed (no leave confirmation, no flush)")]
    public static partial void StopTimedOut(ILogger logger, NodeId nodeId, TimeSpan elapsed);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "Node {NodeId} exits with code {ExitCode}")]
    public static partial void Exiting(ILogger logger, NodeId nodeId, int exitCode);
}
