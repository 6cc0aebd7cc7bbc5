using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Remote.Addressing;

/// <summary>
/// The stable machine id of a node (`peersync.node.id`). It survives restarts, breaks ties in the
/// leader election (lowest id wins among equally old members) and names per-peer actors and files,
/// so it is restricted to 1-64 characters of ASCII letters, digits, '.', '_' and '-', starting with
/// a letter or digit.
/// </summary>
public readonly record struct NodeId : IComparable<NodeId>
{
    public const int MaxLength = 64;

    private NodeId(string value) => Value = value;

    public string Value { get; }

    /// <summary>Parses an id, throwing <see cref="FormatException"/> that names the problem.</summary>
    public static NodeId Parse(string value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? value, out NodeId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "a node id must not be empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"node id '{value[..16]}...' is {value.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        if (!char.IsAsciiLetterOrDigit(value[0]))
        {
            error = $"node id '{value}' must start with a letter or digit";
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '_' and not '-')
            {
                error = $"node id '{value}' contains '{c}'; only letters, digits, '.', '_' and '-' are allowed";
                return false;
            }
        }

        id = new NodeId(value);
        error = null;
        return true;
    }

    /// <summary>Ordinal order: the election's tie-break is the lowest id.</summary>
    public int CompareTo(NodeId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(NodeId left, NodeId right) => left.CompareTo(right) < 0;

    public static bool operator >(NodeId left, NodeId right) => left.CompareTo(right) > 0;

    public static bool operator <=(NodeId left, NodeId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NodeId left, NodeId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value ?? "";
}
