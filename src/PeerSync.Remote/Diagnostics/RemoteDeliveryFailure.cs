namespace PeerSync.Remote;

/// <summary>
/// Why the remote layer could not deliver a message. Each becomes a dead letter whose reason
/// starts with a fixed phrase, and is counted in `peersync.remote.dead_letters` with the
/// <see cref="RemoteDeliveryFailureExtensions.Code"/> as the `reason` tag.
/// </summary>
public enum RemoteDeliveryFailure
{
    /// <summary>The link's buffer (messages or bytes) is full while the peer is connecting or slow.</summary>
    BufferFull,

    /// <summary>The link to the peer was closed (disconnected, removed, or this node shut down).</summary>
    PeerGone,

    /// <summary>The message was meant for an incarnation that is quarantined (restarted or removed).</summary>
    Quarantined,

    /// <summary>The message was sent but the peer's incarnation went away before acknowledging it.</summary>
    NotAcknowledged,

    /// <summary>No serializer for the message's type, or the serializer failed.</summary>
    Unserializable,

    /// <summary>The serialized message does not fit in max-frame-size.</summary>
    TooLarge,

    /// <summary>Received for an actor that does not exist on this node (or a path that is not one of ours).</summary>
    UnknownRecipient,

    /// <summary>Received with an unknown serializer id or manifest, or bytes that do not decode.</summary>
    Undecodable,
}

public static class RemoteDeliveryFailureExtensions
{
    /// <summary>The short, stable code used as metric tag and log property.</summary>
    public static string Code(this RemoteDeliveryFailure failure) => failure switch
    {
        RemoteDeliveryFailure.BufferFull => "buffer-full",
        RemoteDeliveryFailure.PeerGone => "peer-gone",
        RemoteDeliveryFailure.Quarantined => "quarantined",
        RemoteDeliveryFailure.NotAcknowledged => "not-acknowledged",
        RemoteDeliveryFailure.Unserializable => "unserializable",
        RemoteDeliveryFailure.TooLarge => "too-large",
        RemoteDeliveryFailure.UnknownRecipient => "unknown-recipient",
        RemoteDeliveryFailure.Undecodable => "undecodable",
        _ => "other",
    };
}
