using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Session;

namespace PeerSync.Remote.Tests.Support;

/// <summary>Identities and handshake configs for test nodes.</summary>
public static class TestNodes
{
    public const string Secret = "correct horse battery staple";
    public const string Cluster = "peersync-test";

    public static NodeIdentity Identity(string id, ulong incarnation = 0, int port = 4053, params string[] roles) =>
        new(
            new UniqueNode(NodeId.Parse(id), new Incarnation(incarnation != 0 ? incarnation : (ulong)(id.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) + 1)),
            new DataEpoch(7),
            new EndpointAddress("127.0.0.1", port),
            1_700_000_000_000,
            roles);

    public static HandshakeConfig Config(
        string id,
        string secret = Secret,
        string cluster = Cluster,
        int maxFrameSizeBytes = 1024 * 1024,
        TimeSpan? timeout = null,
        uint protocolVersion = Protocol.RemoteProtocol.Version,
        NodeIdentity? identity = null) =>
        new(cluster, identity ?? Identity(id), secret, maxFrameSizeBytes, timeout ?? TimeSpan.FromSeconds(5), protocolVersion);

    public static HandshakeRunner Runner(HandshakeConfig config, TimeProvider? time = null) =>
        new(config, RandomNonceSource.Instance, time);
}
