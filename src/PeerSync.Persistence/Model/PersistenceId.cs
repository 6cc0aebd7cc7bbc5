using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Persistence.Model;

/// <summary>
/// The identity of one event-sourced entity's stream (for example `peer-sync/n2`). Journals key
/// every event by it, so it is restricted to 1-255 characters without control characters: that
/// fits every backend's index key and a log line.
/// </summary>
public readonly record struct PersistenceId : IComparable<PersistenceId>
{
    public const int MaxLength = 255;

    private PersistenceId(string value) => Value = value;

    public string Value { get; }

    /// <summary>Parses an id, throwing <see cref="FormatException"/> that names the problem.</summary>
    public static PersistenceId Parse(string value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? value, out PersistenceId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "a persistence id must not be empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"persistence id '{value[..32]}...' is {value.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                error = $"persistence id '{Escape(value)}' contains the control character U+{(int)c:X4}; control characters are not allowed";
                return false;
            }
        }

        id = new PersistenceId(value);
        error = null;
        return true;
    }

    /// <summary>Ordinal order, the order in which <c>CurrentPersistenceIdsAsync</c> lists ids.</summary>
    public int CompareTo(PersistenceId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(PersistenceId left, PersistenceId right) => left.CompareTo(right) < 0;

    public static bool operator >(PersistenceId left, PersistenceId right) => left.CompareTo(right) > 0;

    public static bool operator <=(PersistenceId left, PersistenceId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PersistenceId left, PersistenceId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value ?? "";

    private static string Escape(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
