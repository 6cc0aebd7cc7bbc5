using System.Text;
using System.Text.Json.Nodes;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>A string, number, boolean or null.</summary>
public sealed class HoconScalar : HoconValue
{
    internal HoconScalar(HoconValueKind kind, string text, HoconOrigin origin)
        : base(origin)
    {
        Kind = kind;
        Text = text;
    }

    public override HoconValueKind Kind { get; }

    /// <summary>
    /// The value as text: a string's content, a number exactly as it was written (<c>8.0</c> stays
    /// <c>8.0</c>), <c>true</c>/<c>false</c>, or <c>null</c>.
    /// </summary>
    public string Text { get; }

    public override JsonNode? ToJson() => Kind switch
    {
        HoconValueKind.String => JsonValue.Create(Text),
        HoconValueKind.Boolean => JsonValue.Create(Text == "true"),
        HoconValueKind.Number => JsonNode.Parse(ToJsonNumber(Text)),
        _ => null,
    };

    public override string ToString() => Text;

    /// <summary>
    /// HOCON accepts numbers JSON does not spell that way (<c>.33</c>, <c>007</c>); rewrite them
    /// without changing the value so that any JSON reader accepts them, at any magnitude.
    /// </summary>
    private static string ToJsonNumber(string text)
    {
        var sb = new StringBuilder(text.Length + 1);
        var i = 0;
        if (text[0] == '-')
        {
            sb.Append('-');
            i = 1;
        }

        var intStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var integer = text[intStart..i].TrimStart('0');
        sb.Append(integer.Length == 0 ? "0" : integer);
        sb.Append(text, i, text.Length - i);
        return sb.ToString();
    }

    internal static bool IsNumber(string text)
    {
        // JSON's number grammar, also accepting a missing integer part (".5") and leading zeros,
        // as the reference implementation does.
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        var digits = CountDigits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (CountDigits(text, ref i) == 0)
            {
                return false;
            }

            digits++;
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (CountDigits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    /// <summary>"an object", "a string"...: for error messages.</summary>
    internal static string Describe(HoconValueKind kind) => kind switch
    {
        HoconValueKind.Object => "an object",
        HoconValueKind.Array => "an array",
        HoconValueKind.String => "a string",
        HoconValueKind.Number => "a number",
        HoconValueKind.Boolean => "a boolean",
        _ => "null",
    };

    private static int CountDigits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }
}
