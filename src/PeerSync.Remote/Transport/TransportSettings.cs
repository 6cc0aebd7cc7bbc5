namespace PeerSync.Remote.Transport;

/// <summary>
/// The validated limits every connection of a transport applies. Built from <see cref="RemoteOptions"/>
/// by <see cref="RemoteOptions.ToTransportSettings"/>; tests build it directly.
/// </summary>
public sealed record TransportSettings
{
    /// <summary>Largest frame body sent or accepted (`peersync.remote.max-frame-size`). Default 4 MiB.</summary>
    public int MaxFrameSizeBytes { get; init; } = Protocol.RemoteProtocol.DefaultMaxFrameSizeBytes;

    /// <summary>
    /// Bound of a connection's send queue including bytes being written (`peersync.remote.send-queue-size`).
    /// Must hold one largest frame. Default 8 MiB.
    /// </summary>
    public long SendQueueBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// A write the peer does not drain within this time closes the connection with
    /// PEER_STOPPED_READING (`peersync.remote.write-stall-timeout`). Default 10 s.
    /// </summary>
    public TimeSpan WriteStallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bound on connect plus TLS handshake (`peersync.remote.handshake-timeout`, which also bounds the
    /// PeerSync handshake in the session layer). Default 5 s.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a close notice was written, how long to keep reading (and discarding) until the peer
    /// closes too. Closing a socket with unread input makes the kernel send a reset, which can
    /// destroy the notice before the peer reads it; waiting a moment lets the notice arrive. 2 s.
    /// </summary>
    public TimeSpan CloseLingerTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Accepted sockets allowed in their TLS handshake at once; more are closed at once and logged,
    /// so a flood of silent sockets cannot pin unbounded memory (`peersync.remote.max-pending-handshakes`).
    /// </summary>
    public int MaxPendingHandshakes { get; init; } = 128;

    /// <summary>
    /// In-memory transport only: bytes a direction buffers before the writer waits, standing in for
    /// the kernel's socket buffers. Default 256 KiB.
    /// </summary>
    public long InMemoryWindowBytes { get; init; } = 256 * 1024;

    /// <summary>Clock for write-stall and linger timers. Tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
