using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Hocon;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// How a resolved HOCON tree becomes Microsoft.Extensions.Configuration keys:
/// <list type="bullet">
/// <item>Path elements are joined with ':' and kept exactly as written, hyphens included:
/// <c>peersync.sync.batch-window = 100ms</c> becomes <c>peersync:sync:batch-window</c> = "100ms".
/// Mapping <c>batch-window</c> to a <c>BatchWindow</c> property is the options binder's job.
/// A quoted key containing ':' therefore reads as nested sections, as it would in JSON.</item>
/// <item>Array elements are numbered: <c>seed-nodes = ["a", "b"]</c> gives <c>seed-nodes:0</c> and
/// <c>seed-nodes:1</c>, which the binder reads as a list.</item>
/// <item>Values are text: strings as they are, numbers as written (<c>8.0</c>), booleans as
/// <c>true</c>/<c>false</c>. Durations and sizes stay text ("100ms", "4MiB") for
/// <see cref="HoconDuration"/> and <see cref="ByteSize"/>.</item>
/// <item>A null field means absent: the key is not emitted, so a value from an earlier source
/// shows through. A null array element is emitted as its key with a null value, so that the
/// elements after it keep their index. An empty object or array is emitted as its key with a
/// null value, as the JSON provider does, so that binding sees an empty collection.</item>
/// <item>Configuration keys ignore case but HOCON keys do not: two HOCON keys that differ only in
/// case would silently replace each other, so that is reported as an error.</item>
/// </list>
/// </summary>
public static class HoconConfigurationKeys
{
    public static Dictionary<string, string?> Flatten(HoconObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, (string Key, HoconOrigin Origin)>(StringComparer.OrdinalIgnoreCase);
        Visit(root, null, data, origins);
        return data;
    }

    private static void Visit(
        HoconValue value,
        string? key,
        Dictionary<string, string?> data,
        Dictionary<string, (string Key, HoconOrigin Origin)> origins)
    {
        switch (value)
        {
            case HoconObject obj:
                if (obj.Count == 0 && key is not null)
                {
                    Add(key, null, obj.Origin, data, origins);
                }

                foreach (var (name, child) in obj)
                {
                    Visit(child, key is null ? name : $"{key}{ConfigurationPath.KeyDelimiter}{name}", data, origins);
                }

                break;
            case HoconArray array:
                if (array.Count == 0)
                {
                    Add(key!, null, array.Origin, data, origins);
                }

                for (var i = 0; i < array.Count; i++)
                {
                    var elementKey = $"{key}{ConfigurationPath.KeyDelimiter}{i}";
                    if (array[i] is HoconScalar { Kind: HoconValueKind.Null })
                    {
                        // Keep the index, so that binding sees the element and later ones keep their place.
                        Add(elementKey, null, array[i].Origin, data, origins);
                    }
                    else
                    {
                        Visit(array[i], elementKey, data, origins);
                    }
                }

                break;
            case HoconScalar { Kind: not HoconValueKind.Null } scalar:
                Add(key!, scalar.Text, scalar.Origin, data, origins);
                break;
        }
    }

    private static void Add(
        string key,
        string? value,
        HoconOrigin origin,
        Dictionary<string, string?> data,
        Dictionary<string, (string Key, HoconOrigin Origin)> origins)
    {
        if (origins.TryGetValue(key, out var earlier))
        {
            throw new HoconParseException(origin,
                $"'{key}' and '{earlier.Key}' (defined at {earlier.Origin}) are the same configuration key, because configuration keys ignore case and read ':' as nesting; rename one of them");
        }

        origins[key] = (key, origin);
        data[key] = value;
    }
}
