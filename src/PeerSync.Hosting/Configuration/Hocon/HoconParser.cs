namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Recursive-descent parser from tokens to an unresolved <see cref="Node"/> tree. It applies
/// everything that does not need substitutions: optional root braces, separators, path keys,
/// duplicate-key merging, concatenations without substitutions, <c>+=</c> (rewritten to
/// <c>a = ${?a} [b]</c> as the spec defines it) and includes (through a callback, so that the
/// parser itself does no I/O). See docs/design/hocon.md.
/// </summary>
internal sealed partial class HoconParser
{
    /// <summary>Deeper nesting than this is an error rather than a stack overflow.</summary>
    public const int MaxDepth = 256;

    private readonly HoconTokenizer _tokens;
    private readonly Func<IncludeSpec, ObjectNode> _include;
    private int _depth;

    private HoconParser(string text, string sourceName, Func<IncludeSpec, ObjectNode> include)
    {
        _tokens = new HoconTokenizer(text, sourceName);
        _include = include;
    }

    /// <summary>Parses a document: an object, with or without its braces, or an array.</summary>
    public static Node Parse(string text, string sourceName, Func<IncludeSpec, ObjectNode> include) =>
        new HoconParser(text, sourceName, include).ParseDocument();

    private Node ParseDocument()
    {
        SkipBlank();
        var first = _tokens.Peek();
        Node root = first.Kind switch
        {
            HoconTokenKind.OpenBrace => ParseBracedObject([]),
            HoconTokenKind.OpenBracket => ParseArray(),
            _ => ParseFields(new ObjectNode(first.Origin), [], opening: null),
        };
        SkipBlank();
        var end = _tokens.Peek();
        return end.Kind switch
        {
            HoconTokenKind.End => root,
            HoconTokenKind.CloseBrace => throw Error(end.Origin, "'}' has no matching '{'"),
            HoconTokenKind.CloseBracket => throw Error(end.Origin, "']' has no matching '['"),
            _ => throw Error(end.Origin, $"unexpected {end.Describe()} after the end of the document"),
        };
    }

    private ObjectNode ParseBracedObject(IReadOnlyList<string>? path)
    {
        var open = _tokens.Next();
        Enter(open);
        var result = ParseFields(new ObjectNode(open.Origin), path, open);
        _depth--;
        return result;
    }

    /// <summary>
    /// Fields until the closing brace (or the end of the input for a root without braces).
    /// <paramref name="path"/> is the object's path from the document root, or null inside an
    /// array, where fields have no path.
    /// </summary>
    private ObjectNode ParseFields(ObjectNode target, IReadOnlyList<string>? path, HoconToken? opening)
    {
        while (true)
        {
            SkipBlank();
            var token = _tokens.Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.CloseBrace when opening is not null:
                    _tokens.Next();
                    return target;
                case HoconTokenKind.CloseBrace:
                    throw Error(token.Origin, "'}' has no matching '{'");
                case HoconTokenKind.End when opening is not null:
                    throw Error(opening.Origin, "'{' is not closed: the input ends before its '}'");
                case HoconTokenKind.End:
                    return target;
                case HoconTokenKind.CloseBracket:
                    throw Error(token.Origin, opening is null
                        ? "']' has no matching '['"
                        : $"expected '}}' to close the object opened at {Position(opening)}, found ']'");
                case HoconTokenKind.Comma:
                    throw Error(token.Origin, "unexpected ','; a comma may only follow a field, once");
                case HoconTokenKind.UnquotedText when token.Text == "include":
                    ParseInclude(target, path);
                    break;
                default:
                    ParseField(target, path);
                    break;
            }

            SkipWhitespace();
            var after = _tokens.Peek();
            if (after.Kind == HoconTokenKind.Comma)
            {
                _tokens.Next();
            }
            else if (after.Kind == HoconTokenKind.CloseBracket && opening is not null)
            {
                throw Error(after.Origin, $"expected '}}' to close the object opened at {Position(opening)}, found ']'");
            }
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.CloseBrace or HoconTokenKind.End))
            {
                throw Error(after.Origin, $"expected ',' or a newline after a field, found {after.Describe()}");
            }
        }
    }

    private void ParseField(ObjectNode target, IReadOnlyList<string>? path)
    {
        var keyOrigin = _tokens.Peek().Origin;
        var key = ParseKey();
        IReadOnlyList<string>? fieldPath = path is null ? null : [.. path, .. key];
        SkipBlank();
        var separator = _tokens.Peek();
        Node value;
        switch (separator.Kind)
        {
            case HoconTokenKind.Colon or HoconTokenKind.Equals:
                _tokens.Next();
                SkipBlank();
                value = ParseValue(fieldPath);
                break;
            case HoconTokenKind.PlusEquals:
                _tokens.Next();
                SkipBlank();
                value = AppendTo(fieldPath, separator, ParseValue(null));
                break;
            case HoconTokenKind.OpenBrace:
                value = ParseValue(fieldPath);
                break;
            default:
                throw Error(separator.Origin, $"expected ':', '=', '+=' or '{{' after the key {PathText.Render(key)}, found {separator.Describe()}");
        }

        for (var i = key.Count - 1; i > 0; i--)
        {
            var wrapper = new ObjectNode(keyOrigin);
            wrapper.Set(key[i], value);
            value = wrapper;
        }

        target.Set(key[0], value);
    }

    /// <summary><c>a += b</c> is <c>a = ${?a} [b]</c>, with the field's full path.</summary>
    private static ConcatenationNode AppendTo(IReadOnlyList<string>? fieldPath, HoconToken plusEquals, Node element)
    {
        if (fieldPath is null)
        {
            throw Error(plusEquals.Origin, "'+=' cannot be used in an object inside an array: the field has no path to append to");
        }

        var previous = new SubstitutionNode(fieldPath, optional: true, $"${{?{PathText.Render(fieldPath)}}}", plusEquals.Origin);
        return new ConcatenationNode(
            [new ConcatenationPart("", previous), new ConcatenationPart("", new ArrayNode([element], element.Origin))],
            plusEquals.Origin);
    }

    private IReadOnlyList<string> ParseKey()
    {
        var first = _tokens.Peek();
        if (!first.IsKeyPart)
        {
            throw Error(first.Origin, first.Kind == HoconTokenKind.Substitution
                ? "substitutions are not allowed in keys"
                : $"expected a key, found {first.Describe()}");
        }

        var builder = new PathBuilder();
        var raw = new System.Text.StringBuilder();
        while (true)
        {
            var token = _tokens.Peek();
            if (token.Kind == HoconTokenKind.QuotedString)
            {
                _tokens.Next();
                builder.AddQuoted(token.Text);
                raw.Append('"').Append(token.Text).Append('"');
            }
            else if (token.Kind == HoconTokenKind.UnquotedText)
            {
                _tokens.Next();
                raw.Append(token.Text);
                var problem = builder.AddUnquoted(token.Text);
                if (problem is not null)
                {
                    throw Error(first.Origin, $"the key '{raw}' {problem}");
                }
            }
            else if (token.Kind == HoconTokenKind.Whitespace)
            {
                _tokens.Next();
                if (!_tokens.Peek().IsKeyPart && _tokens.Peek().Kind != HoconTokenKind.Substitution)
                {
                    break;
                }

                builder.AddSpace(token.Text);
                raw.Append(token.Text);
            }
            else if (token.Kind == HoconTokenKind.Substitution)
            {
                throw Error(token.Origin, "substitutions are not allowed in keys");
            }
            else
            {
                break;
            }
        }

        var (path, error) = builder.Build();
        return path ?? throw Error(first.Origin, $"the key '{raw}' {error}");
    }

    /// <summary>A value: one or more pieces on one line, concatenated.</summary>
    private Node ParseValue(IReadOnlyList<string>? fieldPath)
    {
        var parts = new List<ConcatenationPart>();
        var space = "";
        while (_tokens.Peek().StartsValue)
        {
            parts.Add(new ConcatenationPart(space, ParsePiece(fieldPath)));
            space = "";
            if (_tokens.Peek().Kind == HoconTokenKind.Whitespace)
            {
                var whitespace = _tokens.Next();
                if (!_tokens.Peek().StartsValue)
                {
                    break;
                }

                space = whitespace.Text;
            }
        }

        if (parts.Count == 0)
        {
            var token = _tokens.Peek();
            throw Error(token.Origin, $"expected a value, found {token.Describe()}");
        }

        return Concatenation.Fold(parts);
    }

    private Node ParsePiece(IReadOnlyList<string>? fieldPath)
    {
        var token = _tokens.Peek();
        switch (token.Kind)
        {
            case HoconTokenKind.OpenBrace:
                return ParseBracedObject(fieldPath);
            case HoconTokenKind.OpenBracket:
                return ParseArray();
            case HoconTokenKind.Substitution:
                _tokens.Next();
                return new SubstitutionNode(token.Path, token.IsOptional, token.Text, token.Origin);
            case HoconTokenKind.QuotedString:
                _tokens.Next();
                return new ScalarNode(HoconValueKind.String, token.Text, token.Origin);
            default:
                _tokens.Next();
                return new ScalarNode(Classify(token.Text), token.Text, token.Origin);
        }
    }

    private static HoconValueKind Classify(string unquoted) => unquoted switch
    {
        "true" or "false" => HoconValueKind.Boolean,
        "null" => HoconValueKind.Null,
        _ when HoconScalar.IsNumber(unquoted) => HoconValueKind.Number,
        _ => HoconValueKind.String,
    };

    private ArrayNode ParseArray()
    {
        var open = _tokens.Next();
        Enter(open);
        var elements = new List<Node>();
        while (true)
        {
            SkipBlank();
            var token = _tokens.Peek();
            if (token.Kind == HoconTokenKind.CloseBracket)
            {
                _tokens.Next();
                break;
            }

            if (token.Kind == HoconTokenKind.End)
            {
                throw Error(open.Origin, "'[' is not closed: the input ends before its ']'");
            }

            if (token.Kind == HoconTokenKind.Comma)
            {
                throw Error(token.Origin, "unexpected ','; a comma may only follow an array element, once");
            }

            elements.Add(ParseValue(null));
            SkipWhitespace();
            var after = _tokens.Peek();
            if (after.Kind == HoconTokenKind.Comma)
            {
                _tokens.Next();
            }
            else if (after.Kind == HoconTokenKind.CloseBrace)
            {
                throw Error(after.Origin, $"expected ']' to close the array opened at {Position(open)}, found '}}'");
            }
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.CloseBracket or HoconTokenKind.End))
            {
                throw Error(after.Origin, $"expected ',', a newline or ']' after an array element, found {after.Describe()}");
            }
        }

        _depth--;
        return new ArrayNode(elements, open.Origin);
    }

    private void Enter(HoconToken open)
    {
        if (++_depth > MaxDepth)
        {
            throw Error(open.Origin, $"objects and arrays are nested more than {MaxDepth} levels deep");
        }
    }

    private void SkipWhitespace()
    {
        while (_tokens.Peek().Kind == HoconTokenKind.Whitespace)
        {
            _tokens.Next();
        }
    }

    private void SkipBlank()
    {
        while (_tokens.Peek().Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            _tokens.Next();
        }
    }

    private static string Position(HoconToken token) => $"{token.Origin.Line}:{token.Origin.Column}";

    private static HoconParseException Error(HoconOrigin origin, string problem) => new(origin, problem);
}
