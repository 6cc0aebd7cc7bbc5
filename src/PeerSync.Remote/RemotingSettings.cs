using PeerSync.Remote.Addressing;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote;

/// <summary>
/// What a host gives <see cref="Remoting.CreateSystemAsync"/>: the `peersync.remote` options and
/// who this node is (the facts its handshake announces).
/// </summary>
public sealed record RemotingSettings
{
    /// <summary>`peersync.remote` (listening address, secret, limits, TLS, link settings).</summary>
    public required RemoteOptions Options { get; init; }

    /// <summary>`peersync.cluster.name`: nodes of different clusters refuse each other.</summary>
    public required string ClusterName { get; init; }

    /// <summary>`peersync.node.id`.</summary>
    public required NodeId NodeId { get; init; }

    /// <summary>This process's incarnation; fresh at every start (the default draws one).</summary>
    public Incarnation Incarnation { get; init; } = Incarnation.NewRandom();

    /// <summary>Identifies the node's data directory contents (see <see cref="Addressing.DataEpoch"/>).</summary>
    public DataEpoch DataEpoch { get; init; }

    /// <summary>When the node started, ms since the Unix epoch; null takes the system clock at creation.</summary>
    public long? StartupTimeUnixMs { get; init; }

    /// <summary>`peersync.node.roles`.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The transport to use instead of the one <see cref="Options"/> describes (tests: in-memory, fault injection).</summary>
    public ITransport? Transport { get; init; }

    /// <summary>Nonces for handshakes; null uses the cryptographic source (tests script them).</summary>
    public INonceSource? Nonces { get; init; }
}
