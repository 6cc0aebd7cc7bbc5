namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>Include statements: the included object's fields take the statement's place.</summary>
internal sealed partial class HoconParser
{
    private void ParseInclude(ObjectNode target, IReadOnlyList<string>? path)
    {
        var keyword = _tokens.Next();
        var spec = _tokens.ReadIncludeArgument(keyword.Origin);
        var included = _include(spec);
        if (path is { Count: > 0 })
        {
            AddIncludePrefix(included, path);
        }

        foreach (var (key, value) in included.Fields)
        {
            target.Set(key, value);
        }
    }

    /// <summary>
    /// Substitutions in an included file are relative to where it is included (the spec's
    /// "fix-up"); the included tree is still private to this include, so it can be updated in place.
    /// </summary>
    private static void AddIncludePrefix(Node node, IReadOnlyList<string> prefix)
    {
        switch (node)
        {
            case SubstitutionNode substitution:
                substitution.IncludePrefix = [.. prefix, .. substitution.IncludePrefix];
                break;
            case ObjectNode obj:
                foreach (var value in obj.Fields.Values)
                {
                    AddIncludePrefix(value, prefix);
                }

                break;
            case ArrayNode array:
                foreach (var element in array.Elements)
                {
                    AddIncludePrefix(element, prefix);
                }

                break;
            case ConcatenationNode concatenation:
                foreach (var part in concatenation.Parts)
                {
                    AddIncludePrefix(part.Value, prefix);
                }

                break;
            case MergeNode merge:
                foreach (var item in merge.Items)
                {
                    AddIncludePrefix(item, prefix);
                }

                break;
        }
    }
}
