namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>Substitutions, standalone path expressions and include arguments.</summary>
internal sealed partial class HoconTokenizer
{
    private HoconToken ReadSubstitution()
    {
        var origin = Here;
        var start = _position;
        Advance();
        Advance();
        var optional = PeekChar(0) == '?';
        if (optional)
        {
            Advance();
        }

        var path = ReadPathUntilBrace(origin, "substitution");
        return new HoconToken(HoconTokenKind.Substitution, _text[start.._position], origin)
        {
            Path = path,
            IsOptional = optional,
        };
    }

    /// <summary>Reads a path expression up to and including the closing brace.</summary>
    private IReadOnlyList<string> ReadPathUntilBrace(HoconOrigin origin, string what)
    {
        var builder = new PathBuilder();
        while (true)
        {
            if (AtEnd || _text[_position] == '\n')
            {
                throw Error(origin, $"unterminated {what}: '${{' without a closing '}}' on the same line");
            }

            var here = Here;
            var c = _text[_position];
            if (c == '}')
            {
                Advance();
                break;
            }

            if (IsWhitespace(c))
            {
                builder.AddSpace(ReadWhitespace());
            }
            else if (c == '"')
            {
                builder.AddQuoted(PeekChar(1) == '"' && PeekChar(2) == '"' ? ReadTripleQuoted().Text : ReadQuoted().Text);
            }
            else if (Forbidden.Contains(c, StringComparison.Ordinal) || (c == '/' && PeekChar(1) == '/'))
            {
                throw Error(here, $"'{c}' is not allowed in a {what}; a path looks like a.b.c, with \"quoted\" keys for other characters");
            }
            else
            {
                var error = builder.AddUnquoted(ReadUnquoted());
                if (error is not null)
                {
                    throw Error(origin, $"the {what} {error}");
                }
            }
        }

        var (path, problem) = builder.Build();
        return path ?? throw Error(origin, $"the {what} {problem}");
    }

    /// <summary>
    /// Reads what follows the <c>include</c> keyword: <c>"name"</c>, <c>file("name")</c>,
    /// <c>url("...")</c>, <c>classpath("...")</c>, or any of these inside <c>required(...)</c>.
    /// Whitespace and newlines may precede it; whitespace may pad the inside of the parentheses.
    /// </summary>
    public IncludeSpec ReadIncludeArgument(HoconOrigin includeOrigin)
    {
        if (_peeked is not null)
        {
            throw new InvalidOperationException("an include argument must be read before any token after 'include' is peeked");
        }

        SkipWhitespaceAndNewlines();
        var spec = ReadIncludeResource(allowRequired: true);
        return spec with { Origin = includeOrigin };
    }

    private IncludeSpec ReadIncludeResource(bool allowRequired)
    {
        var origin = Here;
        if (PeekChar(0) == '"' && PeekChar(1) != '"')
        {
            return new IncludeSpec(IncludeKind.Heuristic, ReadQuoted().Text, Required: false, origin);
        }

        var start = _position;
        while (!AtEnd && char.IsAsciiLetter(_text[_position]))
        {
            Advance();
        }

        var word = _text[start.._position];
        IncludeKind? kind = word switch
        {
            "file" => IncludeKind.File,
            "url" => IncludeKind.Url,
            "classpath" => IncludeKind.Classpath,
            _ => null,
        };
        if (kind is null && !(allowRequired && word == "required"))
        {
            throw Error(origin, "include must be followed by a quoted name (\"x.conf\"), file(\"...\"), url(\"...\"), classpath(\"...\") or required(...)");
        }

        ExpectIncludeChar('(', word);
        SkipInlineWhitespace();
        var spec = kind is null
            ? ReadIncludeResource(allowRequired: false) with { Required = true }
            : new IncludeSpec(kind.Value, ReadIncludeName(word), Required: false, origin);
        ExpectIncludeChar(')', word);
        return spec;
    }

    private string ReadIncludeName(string word)
    {
        SkipInlineWhitespace();
        if (PeekChar(0) != '"' || PeekChar(1) == '"')
        {
            throw Error(Here, $"{word}(...) must contain a single quoted name, such as {word}(\"name.conf\")");
        }

        return ReadQuoted().Text;
    }

    private void ExpectIncludeChar(char expected, string word)
    {
        SkipInlineWhitespace();
        if (PeekChar(0) != expected)
        {
            throw Error(Here, $"expected '{expected}' in the include argument {word}(...)");
        }

        Advance();
    }

    private void SkipInlineWhitespace()
    {
        while (!AtEnd && IsWhitespace(_text[_position]))
        {
            Advance();
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (!AtEnd)
        {
            var c = _text[_position];
            if (c == '#' || (c == '/' && PeekChar(1) == '/'))
            {
                SkipToEndOfLine();
            }
            else if (IsWhitespace(c))
            {
                Advance();
            }
            else
            {
                break;
            }
        }
    }
}
