using System.Collections.Concurrent;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PeerSync.Actors.Serialization;

/// <summary>
/// Picks the serializer for a value and the decoder for stored bytes. Protobuf messages register by
/// descriptor name; application types register as JSON with a manifest. One registry per actor
/// system (<see cref="SerializationExtensions.Serialization"/>), used by remoting for messages and
/// by persistence for events and snapshots.
/// </summary>
public sealed class SerializationRegistry
{
    private readonly ConcurrentDictionary<int, IPayloadSerializer> _byId = new();
    private readonly ConcurrentDictionary<Type, TypeBinding?> _byType = new();

    /// <summary>The binding found last: a stream of messages repeats its type, and a reference check costs less than a lookup.</summary>
    private volatile TypeBinding? _recent;

    /// <summary>The serializer a read found last: received messages repeat it too. Ids never change meaning, so it never goes stale.</summary>
    private volatile SerializerById? _recentRead;

    public SerializationRegistry()
    {
        Protobuf = new ProtobufSerializer();
        Json = new JsonPayloadSerializer();
        Add(Protobuf);
        Add(Json);
    }

    public ProtobufSerializer Protobuf { get; }

    public JsonPayloadSerializer Json { get; }

    /// <summary>Adds a custom serializer; its id must be unused.</summary>
    public void Add(IPayloadSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        if (!_byId.TryAdd(serializer.Id, serializer))
        {
            throw new ArgumentException($"serializer id {serializer.Id} is already used by '{_byId[serializer.Id].Name}'", nameof(serializer));
        }

        Forget();
    }

    public SerializationRegistry AddProtobuf(FileDescriptor file)
    {
        Protobuf.Register(file);
        Forget();
        return this;
    }

    public SerializationRegistry AddProtobuf<T>()
        where T : IMessage<T>, new()
    {
        Protobuf.Register(new T().Descriptor);
        Forget();
        return this;
    }

    public SerializationRegistry AddJson<T>(string manifest, JsonSerializerOptions? options = null)
    {
        Json.Register(typeof(T), manifest, options);
        Forget();
        return this;
    }

    public bool CanSerialize(Type type) => Lookup(type) is not null;

    public SerializedPayload Serialize(object value)
    {
        var bytes = Serialize(value, out var serializerId, out var manifest);
        return new SerializedPayload(serializerId, manifest, bytes);
    }

    /// <summary>
    /// Serializes <paramref name="value"/> and returns the bytes with the serializer id and manifest
    /// as separate parts, without the <see cref="SerializedPayload"/> wrapper: for hot paths such as
    /// remoting, which serializes every message it sends. Fails as <see cref="Serialize(object)"/> does.
    /// </summary>
    public byte[] Serialize(object value, out int serializerId, out string manifest)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = value.GetType();
        var binding = _recent is { } recent && ReferenceEquals(recent.Type, type) ? recent : Find(type);
        var serializer = binding.Serializer;
        serializerId = binding.SerializerId;
        manifest = binding.Manifest;
        try
        {
            return serializer.ToBinary(value);
        }
        catch (Exception e) when (e is not PayloadSerializationException)
        {
            throw new PayloadSerializationException($"{type.FullName} could not be serialized by '{serializer.Name}': {e.Message}", serializer.Id, manifest, e);
        }
    }

    public object Deserialize(SerializedPayload payload) => Deserialize(payload.SerializerId, payload.Manifest, payload.Bytes);

    public object Deserialize(int serializerId, string manifest, ReadOnlySpan<byte> bytes)
    {
        IPayloadSerializer? serializer;
        if (_recentRead is { } recent && recent.Id == serializerId)
        {
            serializer = recent.Serializer;
        }
        else if (_byId.TryGetValue(serializerId, out serializer))
        {
            _recentRead = new SerializerById(serializerId, serializer);
        }
        else
        {
            throw new PayloadSerializationException(
                $"unknown serializer id {serializerId} (manifest '{manifest}'); known: {string.Join(", ", _byId.Values.Select(s => $"{s.Id}={s.Name}"))}",
                serializerId,
                manifest);
        }

        return serializer.FromBinary(bytes, manifest);
    }

    /// <summary>The serializer and manifest for <paramref name="type"/>; throws when none is registered.</summary>
    private TypeBinding Find(Type type)
    {
        var binding = Lookup(type)
            ?? throw new PayloadSerializationException(
                $"no serializer is registered for {type.FullName}; register it with AddProtobuf or AddJson<{type.Name}>(manifest)");
        _recent = binding;
        return binding;
    }

    private TypeBinding? Lookup(Type type) => _byType.TryGetValue(type, out var cached) ? cached : FindAndCache(type);

    /// <summary>
    /// The slow path of <see cref="Lookup"/>, in a method of its own: its lambda captures
    /// <paramref name="type"/>, and a captured variable costs an allocation on every call of the
    /// method that declares it, including calls that hit the cache (once per remote message).
    /// </summary>
    private TypeBinding? FindAndCache(Type type) =>
        _byType[type] = _byId.Values.OrderBy(s => s.Id).FirstOrDefault(s => s.ManifestFor(type) is not null) is { } found
            ? new TypeBinding(type, found, found.ManifestFor(type)!, found.Id)
            : null;

    /// <summary>Registrations change which serializer (and manifest) a type gets: drop what was found.</summary>
    private void Forget()
    {
        _byType.Clear();
        _recent = null;
    }

    private sealed record TypeBinding(Type Type, IPayloadSerializer Serializer, string Manifest, int SerializerId);

    private sealed record SerializerById(int Id, IPayloadSerializer Serializer);
}

public static class SerializationExtensions
{
    /// <summary>The serialization registry of <paramref name="system"/> (created on first use).</summary>
    public static SerializationRegistry Serialization(this ActorSystem system) =>
        system.GetOrAddExtension(_ => new SerializationRegistry());
}
