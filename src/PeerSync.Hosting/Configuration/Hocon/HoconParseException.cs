namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// A HOCON source could not be parsed or resolved: bad syntax, an undefined or cyclic
/// substitution, a missing required include. The message reads <c>file:line:column: problem</c>
/// and points at the token that caused it (the opening quote of an unterminated string, the
/// backslash of a bad escape, the <c>$</c> of a substitution, the <c>include</c> keyword).
/// </summary>
public sealed class HoconParseException : Exception
{
    public HoconParseException(HoconOrigin origin, string problem, Exception? innerException = null)
        : base($"{origin}: {problem}", innerException)
    {
        File = origin.SourceName;
        Line = origin.Line;
        Column = origin.Column;
        Problem = problem;
    }

    /// <summary>The file path as it was given (or the name of a text source).</summary>
    public string File { get; }

    /// <summary>1-based line; 0 when the problem has no position in any text.</summary>
    public int Line { get; }

    /// <summary>1-based column, in UTF-16 code units.</summary>
    public int Column { get; }

    /// <summary>The message without its position prefix.</summary>
    public string Problem { get; }
}
