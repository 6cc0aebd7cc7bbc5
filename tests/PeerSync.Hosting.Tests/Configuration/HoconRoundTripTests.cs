using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Configuration;

/// <summary>
/// Random JSON trees written out in randomly chosen HOCON styles (braces or not, ':' '=' or no
/// separator, commas or newlines, trailing commas, comments, quoted, unquoted and triple-quoted
/// strings, path keys, objects split over duplicate keys) must read back as the same tree.
/// Seeded: a failing seed replays exactly and is named in the failure.
/// </summary>
public sealed class HoconRoundTripTests
{
    private const string KeyAlphabet = "abcxyz-_09.\" $\\é ";
    private const string StringAlphabet = "ab z09.,:=#/$\"\\{}[]\n\té€😀+?";

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 200));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Tree_reads_back_unchanged_when_written_in_random_hocon_style(int seed)
    {
        var random = new Random(seed);
        var tree = RandomObject(random, depth: 0);
        var text = new Writer(random).Document(tree);

        try
        {
            JsonAssert.Equivalent(tree, Hocon.Json(text));
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"seed {seed}, text:\n{text}", e);
        }
    }

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        var count = random.Next(depth == 0 ? 1 : 0, 5);
        for (var i = 0; i < count; i++)
        {
            obj[RandomText(random, KeyAlphabet, 1, 6)] = RandomValue(random, depth + 1);
        }

        return obj;
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth >= 4 ? 6 : 8) switch
    {
        0 => JsonValue.Create(RandomText(random, StringAlphabet, 0, 8)),
        1 => JsonValue.Create(RandomWord(random)),
        2 => JsonValue.Create(random.Next(-1000, 1000)),
        3 => JsonValue.Create(Math.Round((random.NextDouble() - 0.5) * 1000, 3)),
        4 => JsonValue.Create(random.Next(2) == 0),
        5 => null,
        6 => RandomObject(random, depth),
        _ => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
    };

    private static string RandomWord(Random random) =>
        "w" + RandomText(random, "abcxyz-_09", 0, 6);

    private static string RandomText(Random random, string alphabet, int min, int max)
    {
        var elements = StringInfo.GetTextElementEnumerator(alphabet);
        var choices = new List<string>();
        while (elements.MoveNext())
        {
            choices.Add(elements.GetTextElement());
        }

        return string.Concat(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => choices[random.Next(choices.Count)]));
    }

    private sealed class Writer(Random random)
    {
        private readonly StringBuilder _out = new();

        public string Document(JsonObject root)
        {
            if (Chance(2))
            {
                Object(root);
            }
            else
            {
                Fields(root);
            }

            return _out.ToString();
        }

        private void Object(JsonObject obj)
        {
            _out.Append('{');
            Fields(obj);
            _out.Append('}');
        }

        private void Fields(JsonObject obj)
        {
            var fields = obj.ToList();
            for (var i = 0; i < fields.Count; i++)
            {
                var (key, value) = fields[i];
                if (value is JsonObject child && child.Count >= 2 && Chance(4))
                {
                    // Split over two fields with the same key: they must merge.
                    var half = child.Count / 2;
                    Field(key, new JsonObject(child.Take(half).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))));
                    Separator(needed: true, last: false);
                    Field(key, new JsonObject(child.Skip(half).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))));
                }
                else if (value is JsonObject { Count: 1 } single && Chance(3))
                {
                    // Path key: a.b = v for a { b = v }.
                    var (innerKey, innerValue) = single.First();
                    _out.Append(Key(key)).Append('.').Append(Key(innerKey));
                    FieldValue(innerValue);
                }
                else
                {
                    Field(key, value);
                }

                Separator(needed: i < fields.Count - 1, last: i == fields.Count - 1);
            }
        }

        private void Field(string key, JsonNode? value)
        {
            _out.Append(Key(key));
            FieldValue(value);
        }

        private void FieldValue(JsonNode? value)
        {
            if (value is JsonObject && Chance(2))
            {
                _out.Append(Chance(2) ? " " : "\n");
            }
            else
            {
                _out.Append(Pick(" = ", ":", " : ", "=\n  "));
            }

            Value(value);
        }

        private void Separator(bool needed, bool last)
        {
            if (!needed && !Chance(3))
            {
                return;
            }

            _out.Append(random.Next(5) switch
            {
                0 => ",",
                1 => last ? "\n" : ", ",
                2 => " # comment, with { braces }\n",
                3 => "\n\n",
                _ => " // comment\n",
            });
        }

        private void Value(JsonNode? value)
        {
            switch (value)
            {
                case null:
                    _out.Append("null");
                    break;
                case JsonObject obj:
                    Object(obj);
                    break;
                case JsonArray array:
                    _out.Append('[');
                    for (var i = 0; i < array.Count; i++)
                    {
                        _out.Append(i == 0 ? Pick("", " ", "\n") : Pick(", ", ",", "\n", ",\n"));
                        Value(array[i]);
                    }

                    _out.Append(array.Count > 0 && Chance(3) ? ",]" : "]");
                    break;
                case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                    _out.Append(StringLiteral(scalar.GetValue<string>()));
                    break;
                default:
                    _out.Append(value.ToJsonString());
                    break;
            }
        }

        private string StringLiteral(string text)
        {
            var unquoted = text.Length > 0 && char.IsAsciiLetter(text[0])
                && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                && text is not ("true" or "false" or "null");
            if (unquoted && Chance(2))
            {
                return text;
            }

            var tripleSafe = !text.Contains("\"\"\"", StringComparison.Ordinal) && !text.EndsWith('"');
            return tripleSafe && Chance(3) ? $"\"\"\"{text}\"\"\"" : Quote(text);
        }

        private string Key(string key) =>
            key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                && key != "include" && !char.IsAsciiDigit(key[0]) && key[0] != '-' && Chance(2)
                ? key
                : Quote(key);

        private static string Quote(string text) =>
            JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        private bool Chance(int oneIn) => random.Next(oneIn) == 0;

        private string Pick(params string[] choices) => choices[random.Next(choices.Length)];
    }
}
