namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Turns the parsed <see cref="Node"/> tree into <see cref="HoconValue"/>s, resolving
/// substitutions lazily as the spec asks (see docs/design/hocon.md, "Resolution"):
/// <list type="bullet">
/// <item>A field's <em>shape</em> is its value with the top-level substitutions, concatenations
/// and merges worked out but nested fields left alone, so <c>bar { foo = 42, baz = ${bar.foo} }</c>
/// looks up <c>bar.foo</c> without resolving all of <c>bar</c>.</item>
/// <item>Substitutions look forward, at the final value of their path. While a field's
/// substitution or concatenation is being resolved, a lookup that arrives back at that field sees
/// only the values assigned to it earlier (the spec's "look backward" rule for self-references
/// such as <c>path = ${path} [x]</c>); with none, the lookup misses, which reports a cycle.</item>
/// <item>Every shape and value is memoised per node, so a substitution resolves once.</item>
/// </list>
/// </summary>
internal sealed class HoconResolver
{
    /// <summary>A chain of substitutions longer than this is reported instead of overflowing the stack.</summary>
    public const int MaxSubstitutionDepth = 128;

    private readonly ObjectNode _root;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<Node, Node?> _shapes = [];
    private readonly HashSet<Node> _shaping = [];
    private readonly Dictionary<Node, HoconValue> _built = [];
    private readonly HashSet<Node> _building = [];

    // The substitutions being resolved, outermost first (for cycle messages).
    private readonly List<SubstitutionNode> _chain = [];

    // Self-reference cut-offs in force, innermost last: a lookup reaching a field whose values
    // include Item sees only the values below Item.
    private readonly List<Restriction> _restrictions = [];

    // The fields being built, from the root (for cycle messages).
    private readonly List<(string Key, Node Value)> _buildPath = [];

    private HoconResolver(ObjectNode root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    public static HoconObject Resolve(ObjectNode root, HoconParseOptions options) =>
        (HoconObject)new HoconResolver(root, options.EnvironmentLookup).Build(root);

    private sealed record Restriction(Node Item, int ChainDepth);

    private sealed record Lookup(Node? Shape, Restriction? Cycle = null, string? NotAnObject = null)
    {
        public bool Found => Shape is not null;
    }

    private HoconValue Build(Node shape)
    {
        switch (shape)
        {
            case ScalarNode scalar:
                return new HoconScalar(scalar.Kind, scalar.Text, scalar.Origin);
            case ObjectNode or ArrayNode when _built.TryGetValue(shape, out var done):
                return done;
            case ObjectNode or ArrayNode when !_building.Add(shape):
                throw EnclosingCycle();
            case ObjectNode obj:
                var fields = new OrderedDictionary<string, HoconValue>(StringComparer.Ordinal);
                foreach (var (key, value) in obj.Fields)
                {
                    _buildPath.Add((key, value));
                    var fieldShape = ShapeField(value);
                    if (fieldShape is not null)
                    {
                        fields[key] = Build(fieldShape);
                    }

                    _buildPath.RemoveAt(_buildPath.Count - 1);
                }

                return Finish(obj, new HoconObject(fields, obj.Origin));
            case ArrayNode array:
                var elements = new List<HoconValue>(array.Elements.Count);
                foreach (var element in array.Elements)
                {
                    _buildPath.Add((elements.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), element));
                    var elementShape = Shape(element);
                    if (elementShape is not null)
                    {
                        elements.Add(Build(elementShape));
                    }

                    _buildPath.RemoveAt(_buildPath.Count - 1);
                }

                return Finish(array, new HoconArray(elements, array.Origin));
            default:
                throw new InvalidOperationException($"a {shape.GetType().Name} is not a shape");
        }
    }

    private HoconValue Finish(Node node, HoconValue value)
    {
        _building.Remove(node);
        _built[node] = value;
        return value;
    }

    /// <summary>The shape of a field's value, applying the self-reference rules; null when undefined.</summary>
    private Node? ShapeField(Node value) => value switch
    {
        MergeNode merge => ShapeMerge(merge),
        _ => ShapeItem(value),
    };

    /// <summary>Resolves one value of a field with lookups of that field cut off below it.</summary>
    private Node? ShapeItem(Node item)
    {
        if (item is not (SubstitutionNode or ConcatenationNode))
        {
            return Shape(item);
        }

        _restrictions.Add(new Restriction(item, _chain.Count));
        try
        {
            return Shape(item);
        }
        finally
        {
            _restrictions.RemoveAt(_restrictions.Count - 1);
        }
    }

    /// <summary>
    /// The newest value wins unless it is an object, which merges with the values below it down
    /// to the first non-object. An undefined optional substitution leaves the earlier value.
    /// </summary>
    private Node? ShapeMerge(MergeNode merge)
    {
        if (_shapes.TryGetValue(merge, out var known))
        {
            return known;
        }

        BeginShaping(merge);
        ObjectNode? merged = null;
        Node? result = null;
        for (var i = merge.Items.Count - 1; i >= 0; i--)
        {
            var shape = ShapeItem(merge.Items[i]);
            if (shape is ObjectNode obj)
            {
                merged = merged is null ? obj : NodeMerge.MergeObjects(obj, merged);
                continue;
            }

            if (shape is not null)
            {
                result = merged ?? shape;
                break;
            }
        }

        return EndShaping(merge, result ?? merged);
    }

    /// <summary>The shape of a value that is not a field's merge stack.</summary>
    private Node? Shape(Node node)
    {
        if (node is ObjectNode or ArrayNode or ScalarNode)
        {
            return node;
        }

        if (node is MergeNode merge)
        {
            return ShapeMerge(merge);
        }

        if (_shapes.TryGetValue(node, out var known))
        {
            return known;
        }

        BeginShaping(node);
        var shape = node is SubstitutionNode substitution
            ? ShapeSubstitution(substitution)
            : ShapeConcatenation((ConcatenationNode)node);
        return EndShaping(node, shape);
    }

    private void BeginShaping(Node node)
    {
        if (!_shaping.Add(node))
        {
            var text = node is SubstitutionNode s ? s.Text : "this value";
            throw new HoconParseException(node.Origin, $"substitution cycle: resolving {text} needs its own value{ChainText()}");
        }
    }

    private Node? EndShaping(Node node, Node? shape)
    {
        _shaping.Remove(node);
        _shapes[node] = shape;
        return shape;
    }

    private Node? ShapeConcatenation(ConcatenationNode concatenation) =>
        Concatenation.Join(
            concatenation.Parts.Select(p => (p.SpaceBefore, Shape(p.Value))).ToList(),
            concatenation.Origin);

    private Node? ShapeSubstitution(SubstitutionNode substitution)
    {
        if (_chain.Count >= MaxSubstitutionDepth)
        {
            throw new HoconParseException(substitution.Origin, $"substitutions refer to each other more than {MaxSubstitutionDepth} levels deep");
        }

        _chain.Add(substitution);
        try
        {
            Lookup? miss = null;
            foreach (var path in Candidates(substitution))
            {
                var lookup = Find(path);
                if (lookup.Found)
                {
                    return lookup.Shape;
                }

                miss = miss?.Cycle is null ? lookup : miss;
            }

            var name = string.Join('.', substitution.Path);
            if (_environment(name) is { } value)
            {
                return new ScalarNode(HoconValueKind.String, value, HoconOrigin.External($"environment variable {name}"));
            }

            return substitution.IsOptional ? null : throw Undefined(substitution, miss!, name);
        }
        finally
        {
            _chain.RemoveAt(_chain.Count - 1);
        }
    }

    /// <summary>Inside an included file: the fixed-up path first, then the path from the root.</summary>
    private static IEnumerable<IReadOnlyList<string>> Candidates(SubstitutionNode substitution)
    {
        if (substitution.IncludePrefix.Count > 0)
        {
            yield return [.. substitution.IncludePrefix, .. substitution.Path];
        }

        yield return substitution.Path;
    }

    /// <summary>Looks a path up from the root, shaping only the fields along the way.</summary>
    private Lookup Find(IReadOnlyList<string> path)
    {
        Node container = _root;
        for (var i = 0; i < path.Count; i++)
        {
            if (container is not ObjectNode obj)
            {
                var kind = container is ArrayNode ? HoconValueKind.Array : ((ScalarNode)container).Kind;
                return new Lookup(null, NotAnObject: $"'{PathText.Render(path.Take(i).ToList())}' is {HoconScalar.Describe(kind)}, not an object");
            }

            if (!obj.Fields.TryGetValue(path[i], out var field))
            {
                return new Lookup(null);
            }

            var (visible, cutOff) = VisibleValue(field);
            if (visible is null)
            {
                return new Lookup(null, Cycle: cutOff);
            }

            var shape = ShapeField(visible);
            if (shape is null)
            {
                return new Lookup(null);
            }

            container = shape;
        }

        return new Lookup(container);
    }

    /// <summary>
    /// What a lookup arriving at a field may see: the whole field, or, while one of its values is
    /// being resolved, only the values below that one (none: the restriction is returned).
    /// </summary>
    private (Node? Visible, Restriction? CutOff) VisibleValue(Node field)
    {
        for (var i = _restrictions.Count - 1; i >= 0; i--)
        {
            var restriction = _restrictions[i];
            if (ReferenceEquals(field, restriction.Item))
            {
                return (null, restriction);
            }

            if (field is MergeNode merge && IndexOf(merge.Items, restriction.Item) is var index and >= 0)
            {
                return index == 0 ? (null, restriction) : (new MergeNode(merge.Items.Take(index).ToList()), null);
            }
        }

        return (field, null);
    }

    private static int IndexOf(IReadOnlyList<Node> items, Node item)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (ReferenceEquals(items[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    private HoconParseException Undefined(SubstitutionNode substitution, Lookup miss, string variable)
    {
        var noVariable = $"and there is no environment variable '{variable}'";
        if (miss.Cycle is { } cycle)
        {
            var links = _chain.Skip(cycle.ChainDepth).ToList();
            return new HoconParseException(substitution.Origin, links.Count <= 1
                ? $"substitution {substitution.Text} refers to the field it defines, which has no earlier value to build on, {noVariable}"
                : $"substitution cycle: {string.Join(" -> ", links.Select(l => $"{l.Text} ({l.Origin})"))}; the field {substitution.Text} refers to has no earlier value to fall back on, {noVariable}");
        }

        var where = miss.NotAnObject ?? $"there is no setting '{PathText.Render(substitution.Path)}'" +
            (substitution.IncludePrefix.Count > 0 ? $" (nor '{PathText.Render([.. substitution.IncludePrefix, .. substitution.Path])}')" : "");
        return new HoconParseException(substitution.Origin, $"substitution {substitution.Text} is undefined: {where} {noVariable}");
    }

    private HoconParseException EnclosingCycle()
    {
        var path = PathText.Render(_buildPath.Select(f => f.Key).ToList());
        var culprit = _buildPath.LastOrDefault(f => f.Value is SubstitutionNode or ConcatenationNode or MergeNode).Value
            ?? _buildPath.LastOrDefault().Value ?? _root;
        var text = culprit switch
        {
            SubstitutionNode s => s.Text,
            MergeNode { Items: [.., SubstitutionNode s] } => s.Text,
            _ => "the value",
        };
        return new HoconParseException(culprit.Origin,
            $"substitution cycle: {text} makes '{path}' contain itself; a substitution may not refer to an object or array that encloses it");
    }

    private string ChainText()
    {
        var links = _chain.Select(l => $"{l.Text} ({l.Origin})").ToList();
        return links.Count == 0 ? "" : $" (through {string.Join(" -> ", links)})";
    }
}
