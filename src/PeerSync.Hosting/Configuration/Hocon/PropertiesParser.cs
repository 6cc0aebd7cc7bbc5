using System.Globalization;
using System.Text;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Java properties files, mapped to HOCON as the spec's "Java properties mapping" says: every
/// value is a string, keys split on '.' into paths (keeping empty keys), and when a key is both a
/// value and an object (<c>a=x</c>, <c>a.b=y</c>) the object wins, whatever the order.
/// Syntax as java.util.Properties.load: '#' and '!' comment lines, '=', ':' or whitespace
/// between key and value, backslash continuation lines and escapes.
/// </summary>
internal static class PropertiesParser
{
    public static ObjectNode Parse(string text, string sourceName)
    {
        var root = new ObjectNode(new HoconOrigin(sourceName, 1, 1));
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var origin = new HoconOrigin(sourceName, i + 1, 1);
            var logical = lines[i].TrimStart(' ', '\t', '\f');
            if (logical.Length == 0 || logical[0] is '#' or '!')
            {
                continue;
            }

            // A line ending in an odd number of backslashes continues on the next line.
            while (EndsWithContinuation(logical) && i + 1 < lines.Length)
            {
                logical = logical[..^1] + lines[++i].TrimStart(' ', '\t', '\f');
            }

            if (EndsWithContinuation(logical))
            {
                logical = logical[..^1];
            }

            var (key, value) = SplitEntry(logical, origin);
            Add(root, key.Split('.'), new ScalarNode(HoconValueKind.String, value, origin));
        }

        return root;
    }

    private static bool EndsWithContinuation(string line)
    {
        var backslashes = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static (string Key, string Value) SplitEntry(string line, HoconOrigin origin)
    {
        var end = 0;
        while (end < line.Length && line[end] is not ('=' or ':') && !char.IsWhiteSpace(line[end]))
        {
            end += line[end] == '\\' ? 2 : 1;
        }

        end = Math.Min(end, line.Length);
        var rest = end;
        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }

        if (rest < line.Length && line[rest] is '=' or ':')
        {
            rest++;
        }

        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }

        return (Unescape(line[..end], origin), Unescape(line[rest..], origin));
    }

    private static string Unescape(string text, HoconOrigin origin)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                sb.Append(text[i]);
                continue;
            }

            var c = text[++i];
            switch (c)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    var hex = i + 5 <= text.Length ? text.Substring(i + 1, 4) : "";
                    if (!ushort.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new HoconParseException(origin, "bad escape '\\u' in a properties file: it must be followed by four hex digits");
                    }

                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    private static void Add(ObjectNode root, string[] path, ScalarNode value)
    {
        var current = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            // Object wins over a string at the same key.
            if (current.Fields.TryGetValue(path[i], out var existing) && existing is ObjectNode child)
            {
                current = child;
                continue;
            }

            child = new ObjectNode(value.Origin);
            current.Fields[path[i]] = child;
            current = child;
        }

        if (!current.Fields.TryGetValue(path[^1], out var previous) || previous is not ObjectNode)
        {
            current.Fields[path[^1]] = value;
        }
    }
}
