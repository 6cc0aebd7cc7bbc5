using System.Collections.Immutable;

namespace PeerSync.Sync.Records;

/// <summary>
/// Which kind each collection has: the configured ones (`sync.collections.&lt;name&gt;.kind`) and
/// <see cref="DefaultKind"/> for every other (`sync.default-kind`). Nodes must agree on it:
/// <see cref="Fingerprint"/> is exchanged in the sync handshake and a mismatch is reported.
/// </summary>
public sealed class CollectionCatalog
{
    public CollectionCatalog(CollectionKind defaultKind, IReadOnlyDictionary<CollectionName, CollectionKind> collections)
    {
        ArgumentNullException.ThrowIfNull(collections);
        DefaultKind = defaultKind;
        Collections = collections.ToImmutableSortedDictionary();
        Fingerprint = ComputeFingerprint();
    }

    public static CollectionCatalog AllShared { get; } = new(CollectionKind.Shared, new Dictionary<CollectionName, CollectionKind>());

    public CollectionKind DefaultKind { get; }

    public ImmutableSortedDictionary<CollectionName, CollectionKind> Collections { get; }

    /// <summary>A stable 64-bit digest of the whole catalog.</summary>
    public ulong Fingerprint { get; }

    public CollectionKind KindOf(CollectionName collection) =>
        Collections.TryGetValue(collection, out var kind) ? kind : DefaultKind;

    private ulong ComputeFingerprint()
    {
        var text = "default=" + DefaultKind + ";" + string.Join(";", Collections.Select(e => e.Key.Value + "=" + e.Value));
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToUInt64(hash, 0);
    }
}
