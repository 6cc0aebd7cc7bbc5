using PeerSync.Actors;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// The receiving side's compression tables of one connection: paths and manifests by the ids the
/// peer defined in-band. Each path keeps what it resolved to (as recipient and as sender), so a
/// message to a known id costs an array index, with no string allocated. Owned by the
/// connection's reader; not thread-safe.
/// </summary>
internal sealed class InboundTables
{
    private readonly List<InboundPath> _paths = [];
    private readonly List<string> _manifests = [];

    public int PathCount => _paths.Count;

    public int ManifestCount => _manifests.Count;

    public InboundPath Path(ulong id, int entry)
    {
        if (id == 0 || id > (ulong)_paths.Count)
        {
            throw new BatchFormatException($"entry {entry} refers to path id {id}, but only {_paths.Count} are defined");
        }

        return _paths[(int)id - 1];
    }

    public string Manifest(ulong id, int entry)
    {
        if (id == 0 || id > (ulong)_manifests.Count)
        {
            throw new BatchFormatException($"entry {entry} refers to manifest id {id}, but only {_manifests.Count} are defined");
        }

        return _manifests[(int)id - 1];
    }

    public InboundPath DefinePath(ulong id, string text, int entry)
    {
        CheckDefinition("path", id, _paths.Count, BatchLayout.MaxPathEntries, entry);
        var path = new InboundPath(text);
        _paths.Add(path);
        return path;
    }

    public string DefineManifest(ulong id, string text, int entry)
    {
        CheckDefinition("manifest", id, _manifests.Count, BatchLayout.MaxManifestEntries, entry);
        _manifests.Add(text);
        return text;
    }

    private static void CheckDefinition(string table, ulong id, int count, int max, int entry)
    {
        if (id != (ulong)count + 1)
        {
            throw new BatchFormatException($"entry {entry} defines {table} id {id}, but the next id is {count + 1}");
        }

        if (id > (ulong)max)
        {
            throw new BatchFormatException($"entry {entry} defines {table} id {id}, beyond the table size of {max}");
        }
    }
}

/// <summary>A path received from the peer, with what it resolved to (filled in lazily by the reader).</summary>
internal sealed class InboundPath(string text)
{
    public string Text { get; } = text;

    /// <summary>The local actor this path resolved to as a recipient (re-resolved when it stopped).</summary>
    public IActorRef? Recipient { get; set; }

    /// <summary>The ref this path resolved to as a sender.</summary>
    public IActorRef? Sender { get; set; }

    /// <summary>Why the path does not resolve (not a valid path); null when it does or was not tried.</summary>
    public string? Error { get; set; }
}
