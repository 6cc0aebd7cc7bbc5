using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Hocon;

namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// The built-in reference.conf and the --config files as ONE HOCON document, merged in order and
/// then resolved, as Lightbend Config layers application files over reference.conf: a later file
/// overrides keys of earlier ones (objects merge, lists are replaced), and a substitution in any
/// file sees the merged result (`${peersync.node.id}`) and the environment (`${?PEERSYNC_SECRET}`).
/// </summary>
internal sealed class HoconFilesSource : IConfigurationSource
{
    public HoconFilesSource(IReadOnlyList<string> fullPaths, string baseDirectory, Func<string, string?> environment)
    {
        FullPaths = fullPaths;
        BaseDirectory = baseDirectory;
        Environment = environment;
    }

    public IReadOnlyList<string> FullPaths { get; }

    public string BaseDirectory { get; }

    public Func<string, string?> Environment { get; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconFilesProvider(this);
}

/// <summary>Loads <see cref="HoconFilesSource"/>; knows the file, line and column of every key.</summary>
internal sealed class HoconFilesProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    private readonly HoconFilesSource _source;
    private Dictionary<string, HoconOrigin> _origins = new(StringComparer.OrdinalIgnoreCase);

    public HoconFilesProvider(HoconFilesSource source) => _source = source;

    public override void Load()
    {
        var text = new StringBuilder(ReferenceConfiguration.Text).Append('\n');
        foreach (var path in _source.FullPaths)
        {
            text.Append("include required(file(").Append(JsonSerializer.Serialize(path)).Append("))\n");
        }

        HoconObject root;
        try
        {
            root = HoconLoader.Parse(
                text.ToString(),
                ReferenceConfiguration.SourceName,
                new HoconParseOptions { EnvironmentLookup = _source.Environment, BaseDirectory = _source.BaseDirectory });
            Data = HoconConfigurationKeys.Flatten(root);
        }
        catch (HoconParseException e)
        {
            throw new PeerSyncConfigurationException($"{DisplayOrigin(e.File, e.Line, e.Column)}: {e.Problem}", e);
        }

        var origins = new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase);
        CollectOrigins(root, null, origins);
        _origins = origins;
    }

    public string? OriginOf(string key)
    {
        if (!_origins.TryGetValue(key, out var origin))
        {
            var prefix = key + ConfigurationPath.KeyDelimiter;
            var below = _origins.FirstOrDefault(o => o.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
            if (below.Key is null)
            {
                return null;
            }

            origin = below.Value;
        }

        return DisplayOrigin(origin.SourceName, origin.Line, origin.Column);
    }

    public override string ToString() => $"HOCON: {ReferenceConfiguration.SourceName} (built in), {string.Join(", ", _source.FullPaths)}";

    /// <summary>`node1.conf:3:5` relative to the base directory when the file is inside it; the built-in reference says so.</summary>
    private string DisplayOrigin(string file, int line, int column)
    {
        var name = file == ReferenceConfiguration.SourceName
            ? $"{ReferenceConfiguration.SourceName} (built in)"
            : RelativeToBase(file);
        return line > 0 ? $"{name}:{line}:{column}" : name;
    }

    private string RelativeToBase(string file)
    {
        if (!Path.IsPathRooted(file))
        {
            return file;
        }

        var relative = Path.GetRelativePath(_source.BaseDirectory, file);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? file : relative;
    }

    private static void CollectOrigins(HoconValue value, string? key, Dictionary<string, HoconOrigin> origins)
    {
        switch (value)
        {
            case HoconObject obj:
                if (key is not null && obj.Count == 0)
                {
                    origins[key] = obj.Origin;
                }

                foreach (var (name, child) in obj)
                {
                    CollectOrigins(child, key is null ? name : ConfigurationPath.Combine(key, name), origins);
                }

                break;
            case HoconArray array:
                origins[key!] = array.Origin;
                for (var i = 0; i < array.Count; i++)
                {
                    CollectOrigins(array[i], ConfigurationPath.Combine(key!, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), origins);
                }

                break;
            default:
                origins[key!] = value.Origin;
                break;
        }
    }
}
