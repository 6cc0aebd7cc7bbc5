using System.Security.Cryptography;
using System.Text;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

/// <summary>
/// The validated, immutable input of a <see cref="HandshakeMachine"/>: who this node is, which
/// cluster it belongs to, the settings peers must share, and the key derived from the secret.
/// </summary>
public sealed class HandshakeConfig
{
    /// <summary>Shortest `peersync.remote.secret` accepted, in characters: anything shorter is guessable offline from one recorded handshake.</summary>
    public const int MinSecretLength = 16;

    private readonly byte[] _key;

    /// <param name="clusterName">`peersync.cluster.name`.</param>
    /// <param name="self">This node's identity, sent in its Hello.</param>
    /// <param name="secret">`peersync.remote.secret`, shared by every node of the cluster; at least
    /// <see cref="MinSecretLength"/> characters.</param>
    /// <param name="maxFrameSizeBytes">`peersync.remote.max-frame-size`, which peers must share.</param>
    /// <param name="timeout">`peersync.remote.handshake-timeout`.</param>
    /// <param name="protocolVersion">The version announced; only tests change it.</param>
    public HandshakeConfig(
        string clusterName,
        NodeIdentity self,
        string secret,
        int maxFrameSizeBytes = RemoteProtocol.DefaultMaxFrameSizeBytes,
        TimeSpan? timeout = null,
        uint protocolVersion = RemoteProtocol.Version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterName);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinSecretLength)
        {
            throw new ArgumentException(
                $"peersync.remote.secret must be at least {MinSecretLength} characters long (it has {secret.Length})", nameof(secret));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSizeBytes, 1024);
        ClusterName = clusterName;
        Self = self;
        MaxFrameSizeBytes = maxFrameSizeBytes;
        Timeout = timeout ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(timeout));
        ProtocolVersion = protocolVersion;
        _key = DeriveKey(secret, clusterName);
    }

    public string ClusterName { get; }

    public NodeIdentity Self { get; }

    public int MaxFrameSizeBytes { get; }

    public TimeSpan Timeout { get; }

    public uint ProtocolVersion { get; }

    /// <summary>The HMAC key; derived, so the raw secret is used for nothing else.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// HKDF-SHA256 over the secret, with the protocol version as salt and the cluster name in the
    /// info, so a key never serves two clusters or two protocol versions.
    /// </summary>
    private static byte[] DeriveKey(string secret, string clusterName) =>
        HKDF.DeriveKey(
            HashAlgorithmName.SHA256,
            Encoding.UTF8.GetBytes(secret),
            outputLength: 32,
            salt: Encoding.UTF8.GetBytes("peersync.remote.v1"),
            info: Encoding.UTF8.GetBytes("handshake-mac|" + clusterName));
}
