using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Tests.Support;

/// <summary>Short constructors for test data.</summary>
internal static class Ids
{
    public static NodeId Node(string id) => NodeId.Parse(id);

    public static OriginId Origin(string node, ulong epoch = 1) => new(NodeId.Parse(node), new DataEpoch(epoch));

    public static CollectionName C(string name) => CollectionName.Parse(name);

    public static RecordKey K(string key) => RecordKey.Parse(key);

    public static Hlc H(long ms, int counter = 0) => Hlc.From(ms, counter);

    public static RecordVersion Shared(string collection, string key, string? value, OriginId origin, Hlc hlc) =>
        new(C(collection), K(key), CollectionKind.Shared, value is null, value, new VersionStamp(hlc, origin));

    public static RecordVersion Owned(string collection, string key, string? value, OriginId origin, Hlc hlc) =>
        new(C(collection), K(key), CollectionKind.Owned, value is null, value, new VersionStamp(hlc, origin));
}
