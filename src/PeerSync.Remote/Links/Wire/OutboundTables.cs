using PeerSync.Actors;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// The sending side's compression tables for one incarnation of the peer: which paths and
/// manifests the peer already knows, by id. Ids are assigned in order from 1 and announced in-band the first time
/// (the peer learns them from the batch itself, so no round trip). Refs are looked up by object
/// identity first, so a busy sender pays one reference-keyed lookup per message, not a string
/// hash. Owned by the link's outbound log; not thread-safe.
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

    // The last two refs and the last manifest looked up: a stream of messages usually repeats the
    // same recipient and sender, and these checks cost less than a dictionary lookup.
    private IActorRef? _recentRef0;
    private IActorRef? _recentRef1;
    private int _recentId0;
    private int _recentId1;
    private string? _recentManifest;
    private int _recentManifestId;

    /// <summary>Longest entry start (kind, recipient, sender, serializer, manifest, all by id) kept by <see cref="RememberPrefix"/>.</summary>
    public const int MaxPrefixBytes = 32;

    // The start of the last entry encoded with ids only, and what it was for: a stream of messages
    // repeats it, and copying it costs less than looking up and encoding each part.
    private readonly byte[] _prefix = new byte[MaxPrefixBytes];
    private int _prefixLength;
    private IActorRef? _prefixRecipient;
    private IActorRef? _prefixSender;
    private int _prefixSerializerId;
    private string? _prefixManifest;

    /// <summary>The encoded start of an entry for these parts if it is the one remembered; empty otherwise.</summary>
    public ReadOnlySpan<byte> PrefixFor(IActorRef recipient, IActorRef? sender, int serializerId, string manifest) =>
        ReferenceEquals(recipient, _prefixRecipient) && ReferenceEquals(sender, _prefixSender)
        && serializerId == _prefixSerializerId && ReferenceEquals(manifest, _prefixManifest)
            ? _prefix.AsSpan(0, _prefixLength)
            : default;

    /// <summary>Remembers the encoded start of an entry whose references are all ids the peer knows.</summary>
    public void RememberPrefix(IActorRef recipient, IActorRef? sender, int serializerId, string manifest, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > MaxPrefixBytes)
        {
            return;
        }

        encoded.CopyTo(_prefix);
        _prefixLength = encoded.Length;
        _prefixRecipient = recipient;
        _prefixSender = sender;
        _prefixSerializerId = serializerId;
        _prefixManifest = manifest;
    }

    /// <summary>The id of <paramref name="actorRef"/>'s path, or 0 with its text when the peer does not know it yet.</summary>
    public int FindPath(IActorRef actorRef, out string? text)
    {
        text = null;
        if (ReferenceEquals(actorRef, _recentRef0))
        {
            return _recentId0;
        }

        if (ReferenceEquals(actorRef, _recentRef1))
        {
            return _recentId1;
        }

        if (_byRef.TryGetValue(actorRef, out var id))
        {
            Remember(actorRef, id);
            return id;
        }

        text = RefPaths.Format(actorRef);
        if (_byPath.TryGetValue(text, out id))
        {
            CacheRef(actorRef, id);
            Remember(actorRef, id);
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
        Remember(actorRef, id);
        return id;
    }

    public int FindManifest(string manifest)
    {
        if (ReferenceEquals(manifest, _recentManifest))
        {
            return _recentManifestId;
        }

        if (!_byManifest.TryGetValue(manifest, out var id))
        {
            return 0;
        }

        _recentManifest = manifest;
        _recentManifestId = id;
        return id;
    }

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

    /// <summary>
    /// Forgets the ids above <paramref name="paths"/> and <paramref name="manifests"/>: their
    /// definitions were in entries that were dropped before reaching the peer.
    /// </summary>
    public void Truncate(int paths, int manifests)
    {
        foreach (var (text, id) in _byPath.Where(e => e.Value > paths).ToList())
        {
            _byPath.Remove(text);
        }

        foreach (var (actorRef, id) in _byRef.Where(e => e.Value > paths).ToList())
        {
            _byRef.Remove(actorRef);
        }

        foreach (var (manifest, id) in _byManifest.Where(e => e.Value > manifests).ToList())
        {
            _byManifest.Remove(manifest);
        }

        _prefixRecipient = _prefixSender = null;
        _prefixManifest = null;
        _prefixLength = 0;
        _recentRef0 = _recentRef1 = null;
        _recentId0 = _recentId1 = 0;
        _recentManifest = null;
        _recentManifestId = 0;
    }

    private void Remember(IActorRef actorRef, int id)
    {
        _recentRef1 = _recentRef0;
        _recentId1 = _recentId0;
        _recentRef0 = actorRef;
        _recentId0 = id;
    }

    private void CacheRef(IActorRef actorRef, int id)
    {
        if (_byRef.Count < MaxCachedRefs)
        {
            _byRef[actorRef] = id;
        }
    }
}
