using System.Text.Json;

namespace PeerSync.Sync.Records;

/// <summary>Validation of record values: any JSON value of at most <see cref="MaxLengthChars"/>.</summary>
public static class RecordValue
{
    /// <summary>1 MiB of text: a record must fit well inside one 4 MiB frame with its batch.</summary>
    public const int MaxLengthChars = 1 << 20;

    /// <summary>Null when <paramref name="json"/> is a single valid JSON value, else the problem.</summary>
    public static string? Validate(string? json)
    {
        if (json is null)
        {
            return "a record value must not be null (delete the record instead)";
        }

        if (json.Length > MaxLengthChars)
        {
            return $"a record value is {json.Length} characters long; at most {MaxLengthChars} are allowed";
        }

        try
        {
            using var _ = JsonDocument.Parse(json);
            return null;
        }
        catch (JsonException e)
        {
            return $"a record value must be one JSON value: {e.Message}";
        }
    }
}
