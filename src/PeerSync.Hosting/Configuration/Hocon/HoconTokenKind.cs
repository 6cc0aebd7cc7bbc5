namespace PeerSync.Hosting.Configuration.Hocon;

internal enum HoconTokenKind
{
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,

    /// <summary>One ASCII newline: it separates fields and array elements like a comma.</summary>
    Newline,

    /// <summary>A run of non-newline whitespace: kept because concatenations preserve it.</summary>
    Whitespace,
    QuotedString,
    UnquotedText,
    Substitution,
    End,
}
