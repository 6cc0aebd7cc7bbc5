using PeerSync.Remote.Addressing;

namespace PeerSync.Remote;

/// <summary>
/// Stands in a <see cref="PeerSync.Actors.DeadLetter"/> for a message received from a peer that could not be
/// turned back into an object (unknown serializer id or manifest, or bytes that do not decode).
/// </summary>
/// <param name="From">The peer that sent it.</param>
/// <param name="SerializerId">The serializer id it carried.</param>
/// <param name="Manifest">The manifest it carried.</param>
/// <param name="PayloadBytes">Its size.</param>
/// <param name="Error">Why it does not decode.</param>
public sealed record UndecodableRemoteMessage(UniqueNode From, int SerializerId, string Manifest, int PayloadBytes, string Error);
