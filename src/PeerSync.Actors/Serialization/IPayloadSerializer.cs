namespace PeerSync.Actors.Serialization;

/// <summary>One way of turning objects into bytes, identified by a stable id written next to the bytes.</summary>
public interface IPayloadSerializer
{
    /// <summary>Stable id: never reuse an id for a different format.</summary>
    int Id { get; }

    string Name { get; }

    /// <summary>The manifest for <paramref name="type"/>, or null when this serializer does not handle it.</summary>
    string? ManifestFor(Type type);

    byte[] ToBinary(object value);

    /// <summary>Decodes; throws <see cref="PayloadSerializationException"/> for an unknown manifest or undecodable bytes.</summary>
    object FromBinary(ReadOnlySpan<byte> bytes, string manifest);
}
