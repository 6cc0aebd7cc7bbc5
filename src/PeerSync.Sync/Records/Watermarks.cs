using System.Collections;
using System.Collections.Immutable;
using PeerSync.Sync.Clock;

namespace PeerSync.Sync.Records;

/// <summary>
/// An immutable map from origin to a stream position (an HLC of that origin). A missing origin
/// reads as <see cref="Hlc.Zero"/>. Used for applied watermarks ("every change of O up to here is
/// durably applied"), acknowledgements, log floors and snapshot coverage.
/// </summary>
public sealed class Watermarks : IEquatable<Watermarks>, IEnumerable<KeyValuePair<OriginId, Hlc>>
{
    public static readonly Watermarks Empty = new(ImmutableSortedDictionary<OriginId, Hlc>.Empty);

    private readonly ImmutableSortedDictionary<OriginId, Hlc> _map;

    private Watermarks(ImmutableSortedDictionary<OriginId, Hlc> map) => _map = map;

    public static Watermarks From(IEnumerable<KeyValuePair<OriginId, Hlc>> entries)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<OriginId, Hlc>();
        foreach (var (origin, position) in entries)
        {
            if (position > Hlc.Zero)
            {
                builder[origin] = builder.TryGetValue(origin, out var existing) ? Hlc.Max(existing, position) : position;
            }
        }

        return new Watermarks(builder.ToImmutable());
    }

    public int Count => _map.Count;

    public IEnumerable<OriginId> Origins => _map.Keys;

    public Hlc this[OriginId origin] => _map.TryGetValue(origin, out var value) ? value : Hlc.Zero;

    /// <summary>True when the version's position is at or below this map's position for its origin.</summary>
    public bool Covers(VersionStamp stamp) => this[stamp.Origin] >= stamp.Hlc;

    public Watermarks With(OriginId origin, Hlc position) =>
        position > Hlc.Zero ? new Watermarks(_map.SetItem(origin, position)) : new Watermarks(_map.Remove(origin));

    /// <summary>Element-wise maximum.</summary>
    public Watermarks Max(Watermarks other)
    {
        var result = _map;
        foreach (var (origin, position) in other._map)
        {
            if (position > this[origin])
            {
                result = result.SetItem(origin, position);
            }
        }

        return ReferenceEquals(result, _map) ? this : new Watermarks(result);
    }

    /// <summary>Element-wise minimum over the union of origins (a missing origin is zero).</summary>
    public Watermarks Min(Watermarks other)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<OriginId, Hlc>();
        foreach (var (origin, position) in _map)
        {
            var m = Hlc.Min(position, other[origin]);
            if (m > Hlc.Zero)
            {
                builder[origin] = m;
            }
        }

        return new Watermarks(builder.ToImmutable());
    }

    /// <summary>True when every position here is at least the other's.</summary>
    public bool Dominates(Watermarks other) => other._map.All(e => this[e.Key] >= e.Value);

    public bool Equals(Watermarks? other) =>
        other is not null && other._map.Count == _map.Count && _map.All(e => other[e.Key] == e.Value);

    public override bool Equals(object? obj) => Equals(obj as Watermarks);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (origin, position) in _map)
        {
            hash.Add(origin);
            hash.Add(position);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<OriginId, Hlc>> GetEnumerator() => _map.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", _map.Select(e => $"{e.Key}:{e.Value}")) + "}";
}
