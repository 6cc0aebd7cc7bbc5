namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// An object whose fields may still hold substitutions. Only its builder (the parser, an include,
/// or a merge creating it) calls <see cref="Set"/>; a finished object is treated as immutable.
/// </summary>
internal sealed class ObjectNode(HoconOrigin origin) : Node(origin)
{
    public OrderedDictionary<string, Node> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Assigns a field, merging with an earlier value as duplicate keys do.</summary>
    public void Set(string key, Node value) =>
        Fields[key] = Fields.TryGetValue(key, out var earlier) ? NodeMerge.Merge(earlier, value) : value;
}
