namespace PeerSync.Remote.Handshake;

/// <summary>Which end of a connection a handshake machine plays.</summary>
public enum HandshakeRole
{
    /// <summary>The side that dialed: speaks first.</summary>
    Initiator,

    /// <summary>The side that accepted: answers, and has the last word (HandshakeAccepted).</summary>
    Acceptor,
}
