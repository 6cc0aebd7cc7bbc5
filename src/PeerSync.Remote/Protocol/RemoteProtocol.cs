namespace PeerSync.Remote.Protocol;

/// <summary>Constants of the wire protocol described in remote.proto.</summary>
public static class RemoteProtocol
{
    /// <summary>
    /// The wire protocol version carried in every Hello. Bump it on any change an older node could
    /// misread (a changed field meaning, a new mandatory step); adding optional fields needs none.
    /// </summary>
    public const uint Version = 2;

    /// <summary>Bytes in the length prefix of a frame (big-endian unsigned).</summary>
    public const int LengthPrefixBytes = 4;

    /// <summary>Bytes of the per-connection nonce in a Hello.</summary>
    public const int NonceBytes = 32;

    /// <summary>Bytes of an HMAC-SHA256 proof.</summary>
    public const int MacBytes = 32;

    /// <summary>Default `peersync.remote.max-frame-size`: 4 MiB.</summary>
    public const int DefaultMaxFrameSizeBytes = 4 * 1024 * 1024;
}
