using System.Text.Json;
using System.Text.Json.Serialization;
using PeerSync.Actors;

namespace PeerSync.Remote.Refs;

/// <summary>
/// Lets JSON messages carry actor refs: a ref is written as its path text (<see cref="Remoting.FormatRef"/>)
/// and read back with <see cref="Remoting.ResolveRef"/> on the receiving system, local or remote.
/// Register it in the options of the types that carry refs:
/// <c>registry.AddJson&lt;Introduce&gt;("app.introduce", ActorRefJsonConverter.Options(system))</c>.
/// </summary>
public sealed class ActorRefJsonConverter(ActorSystem system) : JsonConverter<IActorRef>
{
    /// <summary>Default JSON options plus this converter for <paramref name="system"/>.</summary>
    public static JsonSerializerOptions Options(ActorSystem system) => new(JsonSerializerOptions.Default) { Converters = { new ActorRefJsonConverter(system) } };

    public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

    public override IActorRef? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString() ?? throw new JsonException("an actor ref must be a path string");
        try
        {
            return system.Remoting().ResolveRef(text);
        }
        catch (FormatException ex)
        {
            throw new JsonException($"'{text}' is not an actor path: {ex.Message}", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Remoting.FormatRef(value));
}
