using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// Who this node is: its unique node (id + this process's incarnation), the address it listens on,
/// its roles, and its startup time (wall-clock ms since the Unix epoch, taken once at process start:
/// the election orders members by it, so it must be comparable across nodes).
/// </summary>
public sealed record ClusterSelf(UniqueNode Node, EndpointAddress Address, IReadOnlyList<string> Roles, long StartupTimeMs);
