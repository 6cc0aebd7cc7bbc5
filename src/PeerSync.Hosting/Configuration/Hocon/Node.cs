namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// A parsed but unresolved value. The parser builds a tree of these (objects already merged where
/// both sides are plain objects); <see cref="HoconResolver"/> turns it into <see cref="HoconValue"/>s.
/// Nodes are never mutated once they are part of another node, except for the include prefix of
/// substitutions, which is set while the included tree is still private to the include.
/// </summary>
internal abstract class Node(HoconOrigin origin)
{
    public HoconOrigin Origin { get; } = origin;
}

/// <summary>A string, number, boolean or null; <see cref="Text"/> as written (unescaped).</summary>
internal sealed class ScalarNode(HoconValueKind kind, string text, HoconOrigin origin) : Node(origin)
{
    public HoconValueKind Kind { get; } = kind;

    public string Text { get; } = text;
}

internal sealed class ArrayNode(IReadOnlyList<Node> elements, HoconOrigin origin) : Node(origin)
{
    public IReadOnlyList<Node> Elements { get; } = elements;
}

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class SubstitutionNode(IReadOnlyList<string> path, bool optional, string text, HoconOrigin origin)
    : Node(origin)
{
    public IReadOnlyList<string> Path { get; } = path;

    public bool IsOptional { get; } = optional;

    /// <summary>The source text, for messages: <c>${?a.b}</c>.</summary>
    public string Text { get; } = text;

    /// <summary>
    /// The path of the object the substitution's file was included into (empty outside includes).
    /// The spec looks a substitution up at prefix + path first, then at path from the root.
    /// </summary>
    public IReadOnlyList<string> IncludePrefix { get; set; } = [];
}

/// <summary>One piece of a value concatenation and the whitespace written before it.</summary>
internal readonly record struct ConcatenationPart(string SpaceBefore, Node Value);

/// <summary>
/// A value concatenation that contains a substitution, so its type (string, array or object) is
/// known only once the substitutions are resolved. Concatenations without substitutions are
/// folded by the parser.
/// </summary>
internal sealed class ConcatenationNode(IReadOnlyList<ConcatenationPart> parts, HoconOrigin origin) : Node(origin)
{
    public IReadOnlyList<ConcatenationPart> Parts { get; } = parts;
}

/// <summary>
/// The values assigned to one field, oldest first, when they cannot be merged before resolution:
/// one of them is a substitution or concatenation, which may turn out to be an object to merge
/// with, or may refer to the values below it (a self-reference such as <c>a = ${a} [x]</c>).
/// </summary>
internal sealed class MergeNode(IReadOnlyList<Node> items) : Node(items[^1].Origin)
{
    public IReadOnlyList<Node> Items { get; } = items;
}
