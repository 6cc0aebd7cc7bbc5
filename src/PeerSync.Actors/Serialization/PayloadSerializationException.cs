namespace PeerSync.Actors.Serialization;

/// <summary>
/// A payload could not be written or read: no serializer for the type, an unknown serializer id
/// or manifest, or bytes that do not decode. The message says which, and what to do.
/// </summary>
public sealed class PayloadSerializationException : Exception
{
    public PayloadSerializationException(string message, int? serializerId = null, string? manifest = null, Exception? inner = null)
        : base(message, inner)
    {
        SerializerId = serializerId;
        Manifest = manifest;
    }

    public int? SerializerId { get; }

    public string? Manifest { get; }
}
