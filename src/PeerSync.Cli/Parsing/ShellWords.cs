using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PeerSync.Cli.Parsing;

/// <summary>
/// Splits a shell line into words the way a POSIX shell would for simple cases: whitespace
/// separates; '...' is literal; "..." allows \" and \\; a backslash outside quotes escapes a
/// quote, a space or a backslash (and is kept otherwise, so Windows paths survive); adjacent
/// parts join into one word ("a"'b'c is abc); "" is an empty word.
/// </summary>
public static class ShellWords
{
    public static bool TryParse(string line, [NotNullWhen(true)] out IReadOnlyList<string>? words, [NotNullWhen(false)] out string? error)
    {
        var result = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    result.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            if (c is '\'' or '"')
            {
                var close = ReadQuoted(line, i, word);
                if (close < 0)
                {
                    words = null;
                    error = $"unterminated {(c == '\'' ? "single" : "double")} quote starting at column {i + 1}";
                    return false;
                }

                i = close + 1;
                continue;
            }

            if (c == '\\' && i + 1 < line.Length && (line[i + 1] is '\'' or '"' or '\\' || char.IsWhiteSpace(line[i + 1])))
            {
                word.Append(line[i + 1]);
                i += 2;
                continue;
            }

            word.Append(c);
            i++;
        }

        if (inWord)
        {
            result.Add(word.ToString());
        }

        words = result;
        error = null;
        return true;
    }

    /// <summary>Appends the quoted text starting at <paramref name="open"/>; returns the closing quote's index, or -1.</summary>
    private static int ReadQuoted(string line, int open, StringBuilder word)
    {
        var quote = line[open];
        for (var i = open + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == quote)
            {
                return i;
            }

            if (quote == '"' && c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
            {
                word.Append(line[i + 1]);
                i++;
                continue;
            }

            word.Append(c);
        }

        return -1;
    }
}
