using PeerSync.Actors;
using PeerSync.Actors.Serialization;

namespace PeerSync.Remote.Refs;

/// <summary>
/// Lets the runtime's own control messages cross nodes, so that telling a remote ref
/// <see cref="PoisonPill"/> or <see cref="Kill"/> works as it does locally. They carry no data: the
/// manifest is the whole message.
/// </summary>
internal sealed class ControlMessageSerializer : IPayloadSerializer
{
    public const int SerializerId = 100;

    public int Id => SerializerId;

    public string Name => "peersync-control";

    public string? ManifestFor(Type type) =>
        type == typeof(PoisonPill) ? "PoisonPill" : type == typeof(Kill) ? "Kill" : null;

    public byte[] ToBinary(object value) => [];

    public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => manifest switch
    {
        "PoisonPill" => PoisonPill.Instance,
        "Kill" => Kill.Instance,
        _ => throw new PayloadSerializationException($"unknown control message manifest '{manifest}'", SerializerId, manifest),
    };
}

internal static class ControlMessageRegistration
{
    /// <summary>Adds the <see cref="ControlMessageSerializer"/> unless the registry has it.</summary>
    public static void AddControlMessages(this SerializationRegistry registry)
    {
        if (!registry.CanSerialize(typeof(PoisonPill)))
        {
            registry.Add(new ControlMessageSerializer());
        }
    }
}
