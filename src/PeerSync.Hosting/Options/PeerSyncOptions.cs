using PeerSync.Cluster;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Sync.Configuration;

namespace PeerSync.Hosting.Options;

/// <summary>
/// The whole `peersync` section (docs/configuration.md). Bind it with
/// <see cref="Configuration.Binding.PeerSyncOptionsBinder"/>, check it with <see cref="Validate"/>
/// or <see cref="EnsureValid"/>, then hand each layer its part through the To* methods.
/// A new instance holds exactly the defaults documented in hocon/reference.conf.
/// </summary>
public sealed class PeerSyncOptions
{
    /// <summary>The configuration section this class binds.</summary>
    public const string SectionName = "peersync";

    public NodeOptions Node { get; set; } = new();

    public RemoteOptions Remote { get; set; } = new();

    /// <summary>`peersync.cluster`. Its election mode is not a setting of its own: it follows
    /// `peersync.sync.mode` (the binder copies it; <see cref="Validate"/> reports a difference).</summary>
    public ClusterOptions Cluster { get; set; } = new();

    public SyncOptions Sync { get; set; } = new();

    public PeerSyncPersistenceOptions Persistence { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public LoggingOptions Logging { get; set; } = new();

    /// <summary>Every problem, one line each naming the key and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => PeerSyncOptionsValidator.Validate(this);

    /// <summary>Throws <see cref="PeerSyncOptionsException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new PeerSyncOptionsException(problems);
        }
    }

    /// <summary>This node's id; throws <see cref="FormatException"/> when `node.id` is not valid.</summary>
    public NodeId ParseNodeId() => NodeId.Parse(Node.Id);

    /// <summary>The validated cluster settings (<see cref="ClusterOptions.ToConfig"/>).</summary>
    public ClusterConfig ToClusterConfig() => Cluster.ToConfig();

    /// <summary>The validated sync settings (<see cref="SyncOptions.ToConfig"/>).</summary>
    public SyncConfig ToSyncConfig() => Sync.ToConfig();
}
