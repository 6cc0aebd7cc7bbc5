namespace PeerSync.Actors.Serialization;

/// <summary>
/// A message or event in its stored / wire form: which serializer wrote it, the manifest that
/// names its type (so types can evolve and be renamed), and the bytes.
/// </summary>
public readonly record struct SerializedPayload(int SerializerId, string Manifest, byte[] Bytes);
