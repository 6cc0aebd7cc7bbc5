using PeerSync.Actors;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// The receiving side's compression tables for one incarnation of the peer: paths and manifests
/// by the ids the peer defined in-band (across its connections: a resent entry repeats its
/// definitions, which must match). Each path keeps what it resolved to (as recipient and as sender), so a
/// message to a known id costs an array index, with no string allocated. Owned by the
/// link's reader; not thread-safe.
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
        if (IsRepeated("path", id, _paths.Count, text, entry))
        {
            return _paths[(int)id - 1];
        }

        CheckDefinition("path", id, _paths.Count, BatchLayout.MaxPathEntries, entry);
        var path = new InboundPath(text);
        _paths.Add(path);
        return path;
    }

    public string DefineManifest(ulong id, string text, int entry)
    {
        if (IsRepeated("manifest", id, _manifests.Count, text, entry))
        {
            return _manifests[(int)id - 1];
        }

        CheckDefinition("manifest", id, _manifests.Count, BatchLayout.MaxManifestEntries, entry);
        _manifests.Add(text);
        return text;
    }

    /// <summary>
    /// Whether <paramref name="id"/> is defined already, as <paramref name="text"/>: an entry resent
    /// after a reconnect repeats the definitions it carried. The same id for another string is a
    /// protocol error.
    /// </summary>
    private bool IsRepeated(string table, ulong id, int count, string text, int entry)
    {
        if (id == 0 || id > (ulong)count)
        {
            return false;
        }

        var known = table == "path" ? _paths[(int)id - 1].Text : _manifests[(int)id - 1];
        if (!string.Equals(known, text, StringComparison.Ordinal))
        {
            throw new BatchFormatException($"entry {entry} defines {table} id {id} as '{text}', but it is '{known}' already");
        }

        return true;
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
