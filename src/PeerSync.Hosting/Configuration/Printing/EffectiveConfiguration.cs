using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Printing;

/// <summary>
/// The options as JSON in the shape of reference.conf (`{"peersync": {"node": {...}, ...}}`):
/// every key, defaults included, durations and sizes written the HOCON way (`500ms`, `4MiB`), and
/// `node.data-dir` as resolved. Secrets are masked unless asked otherwise. The output is valid
/// HOCON too, so it can be read back with --config (with the secrets set again).
/// </summary>
public static class EffectiveConfiguration
{
    /// <summary>What a masked secret shows; deliberately shorter than a valid secret or token.</summary>
    public const string Mask = "********";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject ToJson(PeerSyncOptions options, bool maskSecrets = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new JsonObject { [PeerSyncOptions.SectionName] = Section(PeerSyncSchema.Root, options, maskSecrets) };
    }

    /// <summary>Indented JSON text, for --print-config.</summary>
    public static string ToJsonText(PeerSyncOptions options, bool maskSecrets = true) =>
        ToJson(options, maskSecrets).ToJsonString(Indented);

    private static JsonObject Section(SchemaSection section, PeerSyncOptions options, bool maskSecrets)
    {
        var result = new JsonObject();
        foreach (var entry in section.Children)
        {
            switch (entry)
            {
                case SchemaSection inner:
                    result[inner.Name] = Section(inner, options, maskSecrets);
                    break;
                case SchemaValue value:
                    var node = value.Read(options);
                    result[value.Name] = maskSecrets && node is JsonValue text && text.TryGetValue<string>(out var s)
                        ? JsonValue.Create(SecretMasking.Apply(value.Secret, s))
                        : node;
                    break;
                case MapSetting map:
                    result[map.Name] = map.Read(options);
                    break;
            }
        }

        return result;
    }
}
