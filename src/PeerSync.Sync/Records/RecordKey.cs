using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Sync.Records;

/// <summary>
/// A record key: 1-256 characters of ASCII letters, digits and `-_.~:@+=,!`. ASCII only, so that
/// ordinal order is the same in memory, in SQLite and in PostgreSQL (`COLLATE "C"`), which paged
/// snapshots and anti-entropy rely on; no '/', '?', '#' or '%', so a key is a URL path segment as is.
/// </summary>
public readonly record struct RecordKey : IComparable<RecordKey>
{
    public const int MaxLength = 256;
    private const string Punctuation = "-_.~:@+=,!";

    private RecordKey(string value) => Value = value;

    public string Value { get; }

    public static RecordKey Parse(string value) =>
        TryParse(value, out var key, out var error) ? key : throw new FormatException(error);

    public static bool TryParse(string? value, out RecordKey key, [NotNullWhen(false)] out string? error)
    {
        key = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "a record key must not be empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"record key '{value[..16]}...' is {value.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !Punctuation.Contains(c, StringComparison.Ordinal))
            {
                error = $"record key '{value}' contains '{c}'; only ASCII letters, digits and '{Punctuation}' are allowed";
                return false;
            }
        }

        key = new RecordKey(value);
        error = null;
        return true;
    }

    public int CompareTo(RecordKey other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? "";
}
