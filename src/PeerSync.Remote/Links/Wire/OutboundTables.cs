using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// The sending side's compression tables of one connection: which paths and manifests the peer
/// already knows, by id. Ids are assigned in order from 1 and announced in-band the first time
/// (the peer learns them from the batch itself, so no round trip). Refs are looked up by object
/// identity first, so a busy sender pays one reference-keyed lookup per message, not a string
/// hash. Owned by the connection's writer; not thread-safe.
/// </summary>
internal sealed class OutboundTables
{
    /// <summary>Bound of the ref-identity cache: beyond it lookups fall back to the path text.</summary>
    private const int MaxCachedRefs = 65_536;

    private readonly Dictionary<IActorRef, int> _byRef = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byManifest = new(StringComparer.Ordinal);

    public int PathCount => _byPath.Count;

    public int ManifestCount => _byManifest.Count;

    /// <summary>The id of <paramref name="actorRef"/>'s path, or 0 with its text when the peer does not know it yet.</summary>
    public int FindPath(IActorRef actorRef, out string? text)
    {
        if (_byRef.TryGetValue(actorRef, out var id))
        {
            text = null;
            return id;
        }

        text = RefPaths.Format(actorRef);
        if (_byPath.TryGetValue(text, out id))
        {
            CacheRef(actorRef, id);
            text = null;
            return id;
        }

        return 0;
    }

    /// <summary>Assigns the next id to <paramref name="text"/>; 0 when the table is full.</summary>
    public int DefinePath(IActorRef actorRef, string text)
    {
        if (_byPath.Count >= BatchLayout.MaxPathEntries)
        {
            return 0;
        }

        var id = _byPath.Count + 1;
        _byPath.Add(text, id);
        CacheRef(actorRef, id);
        return id;
    }

    public int FindManifest(string manifest) => _byManifest.TryGetValue(manifest, out var id) ? id : 0;

    public int DefineManifest(string manifest)
    {
        if (_byManifest.Count >= BatchLayout.MaxManifestEntries)
        {
            return 0;
        }

        var id = _byManifest.Count + 1;
        _byManifest.Add(manifest, id);
        return id;
    }

    private void CacheRef(IActorRef actorRef, int id)
    {
        if (_byRef.Count < MaxCachedRefs)
        {
            _byRef[actorRef] = id;
        }
    }
}
