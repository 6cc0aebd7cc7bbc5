using System.Collections.Concurrent;
using System.Text.Json;

namespace PeerSync.Actors.Serialization;

/// <summary>
/// Application types as JSON (System.Text.Json), each registered with a manifest of the
/// application's choosing, so a type can be renamed without breaking stored or in-flight data.
/// </summary>
public sealed class JsonPayloadSerializer : IPayloadSerializer
{
    public const int SerializerId = 2;

    private readonly ConcurrentDictionary<string, (Type Type, JsonSerializerOptions Options)> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, (string Manifest, JsonSerializerOptions Options)> _byType = new();

    public int Id => SerializerId;

    public string Name => "json";

    public void Register(Type type, string manifest, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        var opts = options ?? JsonSerializerOptions.Default;
        if (_byManifest.TryGetValue(manifest, out var existing) && existing.Type != type)
        {
            throw new ArgumentException($"JSON manifest '{manifest}' is already registered for {existing.Type.FullName}", nameof(manifest));
        }

        _byManifest[manifest] = (type, opts);
        _byType[type] = (manifest, opts);
    }

    public string? ManifestFor(Type type) => _byType.TryGetValue(type, out var entry) ? entry.Manifest : null;

    public byte[] ToBinary(object value)
    {
        var entry = _byType[value.GetType()];
        return JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), entry.Options);
    }

    public object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!_byManifest.TryGetValue(manifest, out var entry))
        {
            throw new PayloadSerializationException($"unknown JSON manifest '{manifest}': register the type with AddJson", Id, manifest);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, entry.Type, entry.Options)
                ?? throw new PayloadSerializationException($"payload for JSON manifest '{manifest}' is null", Id, manifest);
        }
        catch (JsonException e)
        {
            throw new PayloadSerializationException($"payload for JSON manifest '{manifest}' does not decode: {e.Message}", Id, manifest, e);
        }
    }
}
