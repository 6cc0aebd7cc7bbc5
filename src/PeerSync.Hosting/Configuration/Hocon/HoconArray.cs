using System.Text.Json.Nodes;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>A resolved array.</summary>
public sealed class HoconArray : HoconValue, IReadOnlyList<HoconValue>
{
    private readonly IReadOnlyList<HoconValue> _elements;

    internal HoconArray(IReadOnlyList<HoconValue> elements, HoconOrigin origin)
        : base(origin) => _elements = elements;

    public override HoconValueKind Kind => HoconValueKind.Array;

    public int Count => _elements.Count;

    public HoconValue this[int index] => _elements[index];

    public IEnumerator<HoconValue> GetEnumerator() => _elements.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override JsonNode ToJson()
    {
        var json = new JsonArray();
        foreach (var element in _elements)
        {
            json.Add(element.ToJson());
        }

        return json;
    }
}
