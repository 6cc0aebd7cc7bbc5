namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Value concatenation rules shared by the parser (pieces known at parse time) and the resolver
/// (pieces known once substitutions are resolved): simple values join into a string with the
/// whitespace between them, arrays append, objects merge; mixing is an error.
/// </summary>
internal static class Concatenation
{
    /// <summary>Joins parsed pieces now, or defers to the resolver when one is a substitution.</summary>
    public static Node Fold(IReadOnlyList<ConcatenationPart> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0].Value;
        }

        CheckCompatible(parts.Select(p => p.Value).Where(v => v is not SubstitutionNode));
        if (parts.Any(p => p.Value is SubstitutionNode))
        {
            return new ConcatenationNode(parts, parts[0].Value.Origin);
        }

        return Join(parts.Select(p => (p.SpaceBefore, (Node?)p.Value)).ToList(), parts[0].Value.Origin)!;
    }

    /// <summary>
    /// Joins pieces whose values are known: objects, arrays or scalars (a null value is an
    /// undefined optional substitution, which adds nothing, or an empty string between strings).
    /// Returns null when every piece is undefined.
    /// </summary>
    public static Node? Join(IReadOnlyList<(string SpaceBefore, Node? Value)> parts, HoconOrigin origin)
    {
        var defined = parts.Where(p => p.Value is not null).Select(p => p.Value!).ToList();
        if (defined.Count == 0)
        {
            return null;
        }

        CheckCompatible(defined);
        var noSpace = parts.Skip(1).All(p => p.SpaceBefore.Length == 0);
        if (defined.Count == 1 && (noSpace || defined[0] is ObjectNode or ArrayNode))
        {
            return defined[0];
        }

        switch (defined[0])
        {
            case ObjectNode:
                return defined.Cast<ObjectNode>().Aggregate(NodeMerge.MergeObjects);
            case ArrayNode:
                return new ArrayNode(defined.Cast<ArrayNode>().SelectMany(a => a.Elements).ToList(), origin);
            default:
                var text = new System.Text.StringBuilder();
                for (var i = 0; i < parts.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(parts[i].SpaceBefore);
                    }

                    text.Append((parts[i].Value as ScalarNode)?.Text);
                }

                return new ScalarNode(HoconValueKind.String, text.ToString(), origin);
        }
    }

    private static void CheckCompatible(IEnumerable<Node> values)
    {
        Node? first = null;
        foreach (var value in values)
        {
            first ??= value;
            if (Category(value) != Category(first))
            {
                throw new HoconParseException(value.Origin,
                    $"cannot concatenate {Describe(value)} with {Describe(first)}: a value concatenation joins only simple values (into a string), only arrays, or only objects");
            }
        }
    }

    private static int Category(Node value) => value switch
    {
        ObjectNode => 0,
        ArrayNode => 1,
        _ => 2,
    };

    private static string Describe(Node value) => value switch
    {
        ObjectNode => "an object",
        ArrayNode => "an array",
        ScalarNode scalar => HoconScalar.Describe(scalar.Kind),
        _ => "a value",
    };
}
