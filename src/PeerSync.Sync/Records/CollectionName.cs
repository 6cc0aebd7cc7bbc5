using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Sync.Records;

/// <summary>
/// A collection name: 1-64 characters of lowercase ASCII letters, digits, '_', '-' and '.',
/// starting with a letter or digit. The limits keep names safe in URLs, config keys
/// (`sync.collections.&lt;name&gt;.kind`) and SQL identifiers-as-values.
/// </summary>
public readonly record struct CollectionName : IComparable<CollectionName>
{
    public const int MaxLength = 64;

    private CollectionName(string value) => Value = value;

    public string Value { get; }

    public static CollectionName Parse(string value) =>
        TryParse(value, out var name, out var error) ? name : throw new FormatException(error);

    public static bool TryParse(string? value, out CollectionName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "a collection name must not be empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"collection name '{value[..16]}...' is {value.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        if (!char.IsAsciiLetterLower(value[0]) && !char.IsAsciiDigit(value[0]))
        {
            error = $"collection name '{value}' must start with a lowercase letter or digit";
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '_' and not '-' and not '.')
            {
                error = $"collection name '{value}' contains '{c}'; only lowercase letters, digits, '_', '-' and '.' are allowed";
                return false;
            }
        }

        name = new CollectionName(value);
        error = null;
        return true;
    }

    public int CompareTo(CollectionName other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? "";
}
