namespace PeerSync.Remote.Handshake;

/// <summary>Where a <see cref="HandshakeMachine"/> is; see docs/design/handshake-machine.md.</summary>
public enum HandshakeState
{
    /// <summary>Waiting for the peer's Hello (the initiator has sent its own).</summary>
    AwaitingHello,

    /// <summary>Hellos exchanged; waiting for the peer's proof.</summary>
    AwaitingProof,

    /// <summary>Initiator only: both proofs checked and sent; waiting for HandshakeAccepted.</summary>
    AwaitingAccepted,

    /// <summary>Both sides are authenticated; the connection carries user frames now.</summary>
    Established,

    /// <summary>The handshake failed; the outcome says why.</summary>
    Failed,
}
