namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// One token. <see cref="Text"/> is the unescaped content of a quoted string, the raw text of an
/// unquoted run or whitespace, or the source text of a substitution (<c>${a.b}</c>).
/// </summary>
internal sealed class HoconToken(HoconTokenKind kind, string text, HoconOrigin origin)
{
    public HoconTokenKind Kind { get; } = kind;

    public string Text { get; } = text;

    public HoconOrigin Origin { get; } = origin;

    /// <summary>For substitutions: the path, already split into keys.</summary>
    public IReadOnlyList<string> Path { get; init; } = [];

    /// <summary>For substitutions: <c>${?...}</c>.</summary>
    public bool IsOptional { get; init; }

    public bool StartsValue => Kind is HoconTokenKind.OpenBrace or HoconTokenKind.OpenBracket
        or HoconTokenKind.QuotedString or HoconTokenKind.UnquotedText or HoconTokenKind.Substitution;

    public bool IsKeyPart => Kind is HoconTokenKind.QuotedString or HoconTokenKind.UnquotedText;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        HoconTokenKind.Newline => "a newline",
        HoconTokenKind.End => "the end of the input",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.QuotedString => $"the string \"{Shorten(Text)}\"",
        HoconTokenKind.UnquotedText => $"'{Shorten(Text)}'",
        HoconTokenKind.PlusEquals => "'+='",
        _ => $"'{Text}'",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
