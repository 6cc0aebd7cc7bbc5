namespace PeerSync.Actors.Serialization;

/// <summary>
/// An event or snapshot as the serializer registry produced it. Stores keep the three parts
/// unchanged and never look inside: <see cref="SerializerId"/> picks the serializer on the way
/// back, and <see cref="Manifest"/> (a type name or version tag, possibly empty) lets a type evolve
/// while old rows stay readable.
/// </summary>
public sealed record SerializedPayload
{
    public SerializedPayload(int serializerId, string manifest, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(bytes);
        SerializerId = serializerId;
        Manifest = manifest;
        Bytes = bytes;
    }

    public int SerializerId { get; }

    public string Manifest { get; }

    /// <summary>The encoded value. Stores never mutate it; callers must not either once handed over.</summary>
    public byte[] Bytes { get; }

    /// <summary>Equality by content, so that a replayed event equals the one that was written.</summary>
    public bool Equals(SerializedPayload? other) =>
        other is not null && SerializerId == other.SerializerId
        && string.Equals(Manifest, other.Manifest, StringComparison.Ordinal)
        && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode() => HashCode.Combine(SerializerId, Manifest, Bytes.Length);
}
