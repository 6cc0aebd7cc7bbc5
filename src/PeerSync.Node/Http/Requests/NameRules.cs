using System.Buffers;
using System.Globalization;
using System.Text;

namespace PeerSync.Node.Http.Requests;

/// <summary>
/// The naming rules of docs/http-api.md, checked before the facade sees a name so that every
/// refusal is a 400 that states the rule and what broke it. A collection name is 1-64 characters
/// of [A-Za-z0-9._-] starting with a letter or digit; a key is 1-512 characters of printable ASCII
/// except '/', '?' and '#' (so an escape that decodes to a control character is refused too).
/// </summary>
internal static class NameRules
{
    public const int MaxCollectionChars = 64;
    public const int MaxKeyChars = 512;

    private const string CollectionRule = "a collection name is 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
    private const string KeyRule = "a key is 1-512 characters of printable ASCII except '/', '?' and '#'";

    private static readonly SearchValues<char> CollectionChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static readonly SearchValues<char> KeyChars = SearchValues.Create(
        " !\"$%&'()*+,-.0123456789:;<=>@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public static void CheckCollection(string name)
    {
        if (name.Length == 0)
        {
            throw Invalid("collection name", name, CollectionRule, "it is empty");
        }

        if (name.Length > MaxCollectionChars)
        {
            throw Invalid("collection name", name, CollectionRule, Invariant($"it has {name.Length} characters"));
        }

        var bad = name.AsSpan().IndexOfAnyExcept(CollectionChars);
        if (bad >= 0)
        {
            throw Invalid("collection name", name, CollectionRule, Offending(name, bad));
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            throw Invalid("collection name", name, CollectionRule, $"it starts with '{name[0]}'");
        }
    }

    public static void CheckKey(string key)
    {
        if (key.Length == 0)
        {
            throw Invalid("key", key, KeyRule, "it is empty");
        }

        if (key.Length > MaxKeyChars)
        {
            throw Invalid("key", key, KeyRule, Invariant($"it has {key.Length} characters"));
        }

        var bad = key.AsSpan().IndexOfAnyExcept(KeyChars);
        if (bad >= 0)
        {
            throw Invalid("key", key, KeyRule, Offending(key, bad));
        }
    }

    /// <summary>A name as an error shows it: control and non-ASCII characters as \uXXXX, clipped.</summary>
    public static string Show(string name, int maxShownChars = 80)
    {
        var builder = new StringBuilder(Math.Min(name.Length, maxShownChars) + 8);
        foreach (var c in name.Length > maxShownChars ? name.AsSpan(0, maxShownChars) : name.AsSpan())
        {
            if (c is < ' ' or > '~')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return name.Length > maxShownChars ? builder.Append("...").ToString() : builder.ToString();
    }

    private static string Offending(string name, int index)
    {
        var c = name[index];
        var what = c switch
        {
            < ' ' or '\u007f' => Invariant($"the control character U+{(int)c:X4}"),
            > '~' => Invariant($"the non-ASCII character U+{(int)c:X4}"),
            _ => $"'{c}'",
        };
        return Invariant($"it contains {what} at position {index + 1}");
    }

    private static HttpProblemException Invalid(string what, string name, string rule, string reason) =>
        HttpProblemException.BadRequest($"{what} '{Show(name)}' is not valid: {rule}; {reason}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
