using System.Globalization;
using System.Security.Cryptography;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

public sealed partial class HandshakeMachine
{
    /// <summary>At most this many roles, of at most this many characters, are accepted from a peer.</summary>
    private const int MaxRoles = 32;

    private const int MaxRoleLength = 64;

    /// <summary>
    /// Checks a peer's Hello before any cryptography, in an order that gives the most useful
    /// reason: version first (a different version may mean everything else differently), then the
    /// cluster, then the shape of each field (parsed before the cluster check only to name the peer), then identity clashes, then shared settings.
    /// </summary>
    private HandshakeOutcome? Validate(Hello hello)
    {
        if (hello.ProtocolVersion != _config.ProtocolVersion)
        {
            return HandshakeOutcome.Rejected(
                DisconnectReason.ProtocolVersionMismatch,
                Invariant($"protocol version mismatch: this node speaks version {_config.ProtocolVersion}, the peer version {hello.ProtocolVersion}"));
        }

        // Parse before the cluster check, so even a stranger's rejection names who it was.
        var malformed = ParseIdentity(hello, out var identity);
        ClaimedPeer = identity;
        if (!string.Equals(hello.ClusterName, _config.ClusterName, StringComparison.Ordinal))
        {
            return HandshakeOutcome.Rejected(
                DisconnectReason.ClusterNameMismatch,
                $"cluster name mismatch: this node is in cluster '{_config.ClusterName}', the peer in '{Truncate(hello.ClusterName)}'");
        }

        if (malformed is not null)
        {
            return HandshakeOutcome.Rejected(DisconnectReason.MalformedFrame, $"malformed Hello: {malformed}");
        }
        var self = _config.Self;
        if (identity!.Id == self.Id)
        {
            return identity.Incarnation == self.Incarnation
                ? HandshakeOutcome.Rejected(
                    DisconnectReason.SelfConnection,
                    $"self-connection: node {self.Node} reached itself (dialed its own address {self.Address})")
                : HandshakeOutcome.Rejected(
                    DisconnectReason.DuplicateNodeId,
                    $"duplicate node id: the peer at {identity.Address} also calls itself '{self.Id}' (incarnation {identity.Incarnation}, ours {self.Incarnation}); node ids must be unique");
        }

        if (CryptographicOperations.FixedTimeEquals(hello.Nonce.Span, _ownHello.Nonce.Span))
        {
            return HandshakeOutcome.Rejected(
                DisconnectReason.AuthenticationFailed,
                "authentication failed: the peer's nonce equals this node's (a reflected handshake)");
        }

        if (hello.Settings.MaxFrameSizeBytes != (uint)_config.MaxFrameSizeBytes)
        {
            return HandshakeOutcome.Rejected(
                DisconnectReason.SettingsMismatch,
                Invariant($"settings mismatch: max-frame-size is {_config.MaxFrameSizeBytes} bytes on this node and {hello.Settings.MaxFrameSizeBytes} bytes on {identity.Node}; set peersync.remote.max-frame-size the same on every node"));
        }

        return null;
    }

    /// <summary>The identity a Hello states; null error when every field is well-formed.</summary>
    private static string? ParseIdentity(Hello hello, out NodeIdentity? identity)
    {
        identity = null;
        if (!NodeId.TryParse(hello.NodeId, out var id, out var idError))
        {
            return $"node id: {idError}";
        }

        if (hello.Incarnation == 0)
        {
            return "incarnation is 0, which no node uses";
        }

        if (!EndpointAddress.TryParse(hello.AdvertisedAddress, out var address, out var addressError))
        {
            return $"advertised address: {addressError}";
        }

        if (hello.Nonce.Length != RemoteProtocol.NonceBytes)
        {
            return Invariant($"nonce is {hello.Nonce.Length} bytes, not {RemoteProtocol.NonceBytes}");
        }

        if (hello.Settings is null)
        {
            return "protocol settings are missing";
        }

        if (hello.Roles.Count > MaxRoles)
        {
            return Invariant($"{hello.Roles.Count} roles; at most {MaxRoles} are accepted");
        }

        foreach (var role in hello.Roles)
        {
            if (role.Length is 0 or > MaxRoleLength)
            {
                return Invariant($"a role is {role.Length} characters long; roles have 1 to {MaxRoleLength}");
            }
        }

        identity = new NodeIdentity(
            new UniqueNode(id, new Incarnation(hello.Incarnation)),
            new DataEpoch(hello.DataEpoch),
            address,
            hello.StartupTimeUnixMs,
            hello.Roles.ToArray());
        return null;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
