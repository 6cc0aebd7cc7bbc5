namespace PeerSync.Remote.Transport;

/// <summary>What happened to a frame handed to <see cref="IFrameConnection"/>.</summary>
public enum SendResult
{
    /// <summary>Encoded and queued; it will be written unless the connection fails first.</summary>
    Accepted,

    /// <summary>Not queued: the send queue is at its bound (send-queue-size). Back-pressure: retry later.</summary>
    QueueFull,

    /// <summary>Not queued: the connection is closing or closed.</summary>
    Closed,

    /// <summary>Not queued: the frame is larger than max-frame-size. The connection stays open.</summary>
    FrameTooLarge,
}
