using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

/// <summary>
/// What a <see cref="HandshakeMachine"/> asks its host to do: send <see cref="Outbound"/> in order,
/// then, if <see cref="Outcome"/> is set, finish: hand the connection on, or close it with the
/// outcome's reason (which sends the reason to the peer).
/// </summary>
public readonly record struct HandshakeReady(IReadOnlyList<Frame> Outbound, HandshakeOutcome? Outcome);
