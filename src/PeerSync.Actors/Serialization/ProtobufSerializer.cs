using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PeerSync.Actors.Serialization;

/// <summary>Protobuf messages, with the message's full descriptor name as manifest.</summary>
public sealed class ProtobufSerializer : IPayloadSerializer
{
    public const int SerializerId = 1;

    private readonly ConcurrentDictionary<string, MessageParser> _parsers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _manifests = new();

    public int Id => SerializerId;

    public string Name => "protobuf";

    /// <summary>Registers every message type declared in <paramref name="file"/> (and nested ones).</summary>
    public void Register(FileDescriptor file)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var message in file.MessageTypes)
        {
            Register(message);
        }
    }

    public void Register(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.ClrType is null || descriptor.Parser is null)
        {
            return;
        }

        _parsers[descriptor.FullName] = descriptor.Parser;
        _manifests[descriptor.ClrType] = descriptor.FullName;
        foreach (var nested in descriptor.NestedTypes)
        {
            Register(nested);
        }
    }

    public string? ManifestFor(Type type) => _manifests.TryGetValue(type, out var manifest) ? manifest : null;

    public byte[] ToBinary(object value) => ((IMessage)value).ToByteArray();

    public object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!_parsers.TryGetValue(manifest, out var parser))
        {
            throw new PayloadSerializationException($"unknown protobuf manifest '{manifest}': no message with that name is registered", Id, manifest);
        }

        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PayloadSerializationException($"payload for protobuf manifest '{manifest}' does not decode: {e.Message}", Id, manifest, e);
        }
    }
}
