using System.Text;
using System.Text.Json;

namespace PeerSync.Cli.Commands;

/// <summary>
/// Reads the value of `records put`: an inline JSON argument, `--file F`, or stdin (`-` as either).
/// The JSON is checked here, before any request, and an error names where it is.
/// </summary>
internal static class RecordValueSource
{
    /// <summary>Far above the node's default body limit (1 MiB); only stops a runaway file or pipe.</summary>
    public const int MaxValueChars = 64 << 20;

    public static async Task<JsonElement> ReadAsync(string? inline, string? file, CommandContext context, CancellationToken cancellationToken)
    {
        if (inline is not null && file is not null)
        {
            throw new UsageException("records put: give the value either as an argument or with --file, not both");
        }

        if (inline is null && file is null)
        {
            throw new UsageException("records put: a value is required: a JSON argument, --file F, or - to read stdin");
        }

        string text;
        string source;
        if (inline == "-" || file == "-")
        {
            if (context.InShell)
            {
                throw new UsageException("records put: inside the shell stdin holds the commands; pass the value inline or with --file");
            }

            text = await ReadBoundedAsync(context.Input, "stdin", cancellationToken).ConfigureAwait(false);
            source = "stdin";
        }
        else if (file is not null)
        {
            source = $"--file '{file}'";
            try
            {
                using var reader = new StreamReader(file, Encoding.UTF8);
                text = await ReadBoundedAsync(reader, source, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot read {source}: {e.Message}");
            }
        }
        else
        {
            text = inline!;
            source = "the argument";
        }

        return Parse(text, source);
    }

    public static JsonElement Parse(string text, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (cut > 0 ? reason[..cut] : reason).TrimEnd();
            var line = (e.LineNumber ?? 0) + 1;
            var position = (e.BytePositionInLine ?? 0) + 1;
            var hint = text.TrimStart() is { Length: > 0 } start && char.IsLetter(start[0]) && !IsJsonLiteral(start)
                ? "; a string value needs JSON quotes, e.g. '\"text\"'"
                : "";
            throw new CommandFailedException($"the value from {source} is not valid JSON at line {line}, byte {position}: {reason}{hint}");
        }
    }

    private static bool IsJsonLiteral(string text) =>
        text.StartsWith("true", StringComparison.Ordinal) || text.StartsWith("false", StringComparison.Ordinal) || text.StartsWith("null", StringComparison.Ordinal);

    private static async Task<string> ReadBoundedAsync(TextReader reader, string source, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length + read > MaxValueChars)
            {
                throw new CommandFailedException($"the value from {source} is larger than {MaxValueChars} characters");
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
