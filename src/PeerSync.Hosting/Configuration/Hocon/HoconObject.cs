using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// A resolved object. Keys are case-sensitive, as in HOCON, and keep the order in which they were
/// first defined.
/// </summary>
public sealed class HoconObject : HoconValue, IReadOnlyDictionary<string, HoconValue>
{
    private readonly OrderedDictionary<string, HoconValue> _fields;

    internal HoconObject(OrderedDictionary<string, HoconValue> fields, HoconOrigin origin)
        : base(origin) => _fields = fields;

    public override HoconValueKind Kind => HoconValueKind.Object;

    public int Count => _fields.Count;

    public IEnumerable<string> Keys => _fields.Keys;

    public IEnumerable<HoconValue> Values => _fields.Values;

    public HoconValue this[string key] => _fields[key];

    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out HoconValue value) =>
        _fields.TryGetValue(key, out value);

    /// <summary>
    /// The value at a path expression such as <c>peersync.remote.port</c> or
    /// <c>a."b.c"</c> (HOCON path syntax: dots separate keys unless quoted), or null when any
    /// step is missing or is not an object. A malformed expression throws
    /// <see cref="HoconParseException"/>.
    /// </summary>
    public HoconValue? Find(string pathExpression) => Find(HoconTokenizer.ParsePathExpression(pathExpression));

    /// <summary>The value at a path given as its keys, or null when any step is missing.</summary>
    public HoconValue? Find(IReadOnlyList<string> path)
    {
        HoconValue current = this;
        foreach (var key in path)
        {
            if (current is not HoconObject obj || !obj.TryGetValue(key, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public IEnumerator<KeyValuePair<string, HoconValue>> GetEnumerator() => _fields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override JsonNode ToJson()
    {
        var json = new JsonObject();
        foreach (var (key, value) in _fields)
        {
            json[key] = value.ToJson();
        }

        return json;
    }
}
