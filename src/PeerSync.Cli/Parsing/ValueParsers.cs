using System.CommandLine.Parsing;
using System.Globalization;

namespace PeerSync.Cli.Parsing;

/// <summary>Parsers for command options whose rules come from the HTTP contract.</summary>
internal static class ValueParsers
{
    /// <summary>The node's page limit is 1-1000 (docs/http-api.md).</summary>
    public const int MaxLimit = 1000;

    /// <summary>Serilog's names and Microsoft.Extensions.Logging's, so either vocabulary works.</summary>
    private static readonly string[] Levels = ["Verbose", "Trace", "Debug", "Information", "Warning", "Error", "Fatal", "Critical"];

    public static int? Limit(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        result.AddError($"--limit: '{text}' is not a number from 1 to {MaxLimit}");
        return null;
    }

    public static string? Level(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        var level = Levels.FirstOrDefault(l => string.Equals(l, text, StringComparison.OrdinalIgnoreCase));
        if (level is null)
        {
            result.AddError($"--level: '{text}' is not a log level; use one of {string.Join(", ", Levels)}");
        }

        return level;
    }
}
