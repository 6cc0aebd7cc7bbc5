using System.Globalization;
using System.Text;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Splits HOCON text into tokens on demand, one token of look-ahead. Comments vanish (the newline
/// that ends them stays); whitespace is a token because value concatenation keeps it. A
/// substitution is one token whose path is already split into keys. Include arguments
/// (<c>required(file("x"))</c>) are read by <see cref="ReadIncludeArgument"/> when the parser asks,
/// because their parentheses are ordinary unquoted characters everywhere else.
/// </summary>
internal sealed partial class HoconTokenizer
{
    // Characters that may not appear in unquoted text (HOCON spec, "Unquoted strings").
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string _text;
    private readonly string _sourceName;
    private int _position;
    private int _line = 1;
    private int _column = 1;
    private HoconToken? _peeked;

    public HoconTokenizer(string text, string sourceName)
    {
        _text = text;
        _sourceName = sourceName;
    }

    private HoconOrigin Here => new(_sourceName, _line, _column);

    private bool AtEnd => _position >= _text.Length;

    public HoconToken Peek() => _peeked ??= Read();

    public HoconToken Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    /// <summary>Parses a standalone path expression such as <c>a."b.c".d</c>.</summary>
    public static IReadOnlyList<string> ParsePathExpression(string expression)
    {
        var tokenizer = new HoconTokenizer(expression + "}", "path expression");
        var origin = new HoconOrigin("path expression", 1, 1);
        var path = tokenizer.ReadPathUntilBrace(origin, $"path '{expression}'");
        return tokenizer.AtEnd ? path : throw Error(origin, $"the path '{expression}' contains '}}'; quote keys that contain it");
    }

    /// <summary>
    /// Whitespace as the HOCON spec defines it: Unicode space, line and paragraph separators, the
    /// ASCII controls tab through carriage return, the file/group/record/unit separators, and the BOM.
    /// </summary>
    public static bool IsWhitespace(char c) =>
        char.IsWhiteSpace(c) || c == '\uFEFF' || c is >= '\u001C' and <= '\u001F';

    private HoconToken Read()
    {
        while (!AtEnd)
        {
            var origin = Here;
            var c = _text[_position];
            if (c == '#' || (c == '/' && PeekChar(1) == '/'))
            {
                SkipToEndOfLine();
                continue;
            }

            if (c == '\n')
            {
                Advance();
                return new HoconToken(HoconTokenKind.Newline, "\n", origin);
            }

            if (IsWhitespace(c))
            {
                return new HoconToken(HoconTokenKind.Whitespace, ReadWhitespace(), origin);
            }

            return c switch
            {
                '{' => Single(HoconTokenKind.OpenBrace, origin),
                '}' => Single(HoconTokenKind.CloseBrace, origin),
                '[' => Single(HoconTokenKind.OpenBracket, origin),
                ']' => Single(HoconTokenKind.CloseBracket, origin),
                ',' => Single(HoconTokenKind.Comma, origin),
                ':' => Single(HoconTokenKind.Colon, origin),
                '=' => Single(HoconTokenKind.Equals, origin),
                '+' when PeekChar(1) == '=' => PlusEquals(origin),
                '+' => throw Error(origin, "'+' may only appear in '+='; quote text that contains '+'"),
                '"' when PeekChar(1) == '"' && PeekChar(2) == '"' => ReadTripleQuoted(),
                '"' => ReadQuoted(),
                '$' when PeekChar(1) == '{' => ReadSubstitution(),
                '$' => throw Error(origin, "'$' may only start a substitution such as ${a.b}; quote text that contains '$'"),
                _ when Forbidden.Contains(c, StringComparison.Ordinal) =>
                    throw Error(origin, $"'{c}' is not allowed here; quote text that contains it"),
                _ => new HoconToken(HoconTokenKind.UnquotedText, ReadUnquoted(), origin),
            };
        }

        return new HoconToken(HoconTokenKind.End, "", Here);
    }

    private HoconToken Single(HoconTokenKind kind, HoconOrigin origin)
    {
        var text = _text[_position].ToString();
        Advance();
        return new HoconToken(kind, text, origin);
    }

    private HoconToken PlusEquals(HoconOrigin origin)
    {
        Advance();
        Advance();
        return new HoconToken(HoconTokenKind.PlusEquals, "+=", origin);
    }

    private string ReadWhitespace()
    {
        var start = _position;
        while (!AtEnd && _text[_position] != '\n' && IsWhitespace(_text[_position]))
        {
            Advance();
        }

        return _text[start.._position];
    }

    private string ReadUnquoted()
    {
        var start = _position;
        while (!AtEnd)
        {
            var c = _text[_position];
            if (IsWhitespace(c) || (c == '/' && PeekChar(1) == '/'))
            {
                break;
            }

            // '+' is forbidden in unquoted text but belongs to a number's exponent (1e+5).
            var exponentSign = c == '+' && IsExponentPrefix(_text.AsSpan(start, _position - start));
            if (!exponentSign && Forbidden.Contains(c, StringComparison.Ordinal))
            {
                break;
            }

            Advance();
        }

        return _text[start.._position];
    }

    private static bool IsExponentPrefix(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[^1] is not ('e' or 'E'))
        {
            return false;
        }

        var body = text[..^1];
        if (body[0] == '-')
        {
            body = body[1..];
        }

        var digits = 0;
        foreach (var c in body)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c != '.')
            {
                return false;
            }
        }

        return digits > 0;
    }

    private HoconToken ReadQuoted()
    {
        var origin = Here;
        Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || _text[_position] == '\n')
            {
                throw Error(origin, "unterminated quoted string: a quoted string must end on the line where it starts (use \"\"\" for text that spans lines)");
            }

            var c = _text[_position];
            if (c == '"')
            {
                Advance();
                return new HoconToken(HoconTokenKind.QuotedString, sb.ToString(), origin);
            }

            if (c == '\\')
            {
                sb.Append(ReadEscape(origin));
                continue;
            }

            if (c < ' ')
            {
                throw Error(Here, $"control character U+{(int)c:X4} must be escaped in a quoted string");
            }

            sb.Append(c);
            Advance();
        }
    }

    private char ReadEscape(HoconOrigin stringOrigin)
    {
        var origin = Here;
        Advance();
        if (AtEnd || _text[_position] == '\n')
        {
            throw Error(stringOrigin, "unterminated quoted string: it ends with a lone backslash");
        }

        var c = _text[_position];
        Advance();
        switch (c)
        {
            case '"' or '\\' or '/':
                return c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                var hex = _position + 4 <= _text.Length ? _text.Substring(_position, 4) : "";
                if (!ushort.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw Error(origin, "bad escape '\\u': it must be followed by four hex digits");
                }

                for (var i = 0; i < 4; i++)
                {
                    Advance();
                }

                return (char)code;
            default:
                throw Error(origin, $"bad escape '\\{c}' in a quoted string; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX");
        }
    }

    private HoconToken ReadTripleQuoted()
    {
        var origin = Here;
        Advance();
        Advance();
        Advance();
        var start = _position;
        while (!AtEnd)
        {
            if (_text[_position] == '"' && PeekChar(1) == '"' && PeekChar(2) == '"')
            {
                // Any run of three or more quotes ends the string; the extra ones belong to it.
                var run = 0;
                while (PeekChar(run) == '"')
                {
                    run++;
                }

                var text = _text[start.._position] + new string('"', run - 3);
                for (var i = 0; i < run; i++)
                {
                    Advance();
                }

                return new HoconToken(HoconTokenKind.QuotedString, text, origin);
            }

            Advance();
        }

        throw Error(origin, "unterminated triple-quoted string: no closing \"\"\"");
    }

    private char? PeekChar(int offset) =>
        _position + offset < _text.Length ? _text[_position + offset] : null;

    private void Advance()
    {
        if (_text[_position] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _position++;
    }

    private void SkipToEndOfLine()
    {
        while (!AtEnd && _text[_position] != '\n')
        {
            Advance();
        }
    }

    private static HoconParseException Error(HoconOrigin origin, string problem) => new(origin, problem);
}
