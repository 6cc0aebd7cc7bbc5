using System.Globalization;
using PeerSync.Actors;

namespace PeerSync.Remote.Refs;

/// <summary>The text form of a ref on the wire: its full path with address, then `#uid` when the uid is known.</summary>
internal static class RefPaths
{
    public static string Format(IActorRef actorRef) =>
        actorRef is RemoteActorRef remote ? remote.PathText : Format(actorRef.Path);

    public static string Format(ActorPath path) =>
        path.Uid == 0 ? path.ToString() : string.Concat(path.ToString(), "#", path.Uid.ToString(CultureInfo.InvariantCulture));
}
