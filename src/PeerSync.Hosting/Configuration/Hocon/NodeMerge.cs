namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Merging of a later value over an earlier one (duplicate keys, includes, object concatenation),
/// the HOCON way: two objects merge field by field; any other later value hides the earlier one;
/// a value that is not known until resolution keeps the earlier one below it in a
/// <see cref="MergeNode"/>. Never mutates its inputs.
/// </summary>
internal static class NodeMerge
{
    public static Node Merge(Node earlier, Node later)
    {
        if (later is ObjectNode laterObject && earlier is ObjectNode earlierObject)
        {
            return MergeObjects(earlierObject, laterObject);
        }

        var deferred = later is SubstitutionNode or ConcatenationNode or MergeNode
            || (later is ObjectNode && (earlier is SubstitutionNode or ConcatenationNode or MergeNode));
        if (!deferred)
        {
            return later;
        }

        var items = new List<Node>();
        items.AddRange(earlier is MergeNode earlierStack ? earlierStack.Items : [earlier]);
        items.AddRange(later is MergeNode laterStack ? laterStack.Items : [later]);
        return new MergeNode(items);
    }

    public static ObjectNode MergeObjects(ObjectNode earlier, ObjectNode later)
    {
        var merged = new ObjectNode(later.Origin);
        foreach (var (key, value) in earlier.Fields)
        {
            merged.Fields[key] = value;
        }

        foreach (var (key, value) in later.Fields)
        {
            merged.Set(key, value);
        }

        return merged;
    }
}
