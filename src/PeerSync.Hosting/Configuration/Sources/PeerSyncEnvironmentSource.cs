using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Binding;

namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// `PEERSYNC__` environment variables as `peersync` keys: `__` separates levels and a single `_`
/// stands for `-`, which variable names cannot hold, so
/// `PEERSYNC__CLUSTER__FAILURE_DETECTOR__THRESHOLD` sets `peersync.cluster.failure-detector.threshold`.
/// Values are plain text (no HOCON parsing: a secret may contain any character); a list is one
/// variable per element (`PEERSYNC__CLUSTER__SEED_NODES__0`). Other variables are ignored.
/// </summary>
internal sealed class PeerSyncEnvironmentSource : IConfigurationSource
{
    public PeerSyncEnvironmentSource(IReadOnlyDictionary<string, string> variables) => Variables = variables;

    public IReadOnlyDictionary<string, string> Variables { get; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PeerSyncEnvironmentProvider(Variables);
}

internal sealed class PeerSyncEnvironmentProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    private readonly IReadOnlyDictionary<string, string> _variables;
    private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

    public PeerSyncEnvironmentProvider(IReadOnlyDictionary<string, string> variables) => _variables = variables;

    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        _origins.Clear();
        foreach (var (name, value) in _variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(PeerSyncConfiguration.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var segments = name[PeerSyncConfiguration.EnvironmentPrefix.Length..].Split("__");
            if (segments.Any(s => s.Length == 0))
            {
                throw new PeerSyncConfigurationException(
                    $"environment variable {name}: empty key level; write PEERSYNC__SECTION__KEY, e.g. PEERSYNC__REMOTE__PORT=4053");
            }

            var key = ConfigurationPath.Combine([Options.PeerSyncOptions.SectionName, .. segments.Select(s => s.Replace('_', '-'))]);
            if (_origins.TryGetValue(key, out var earlier))
            {
                throw new PeerSyncConfigurationException(
                    $"environment variables {earlier} and {name} set the same key {key.Replace(':', '.')}; remove one of them");
            }

            data[key] = value;
            _origins[key] = name;
        }

        Data = data;
    }

    public string? OriginOf(string key)
    {
        if (_origins.TryGetValue(key, out var name))
        {
            return $"environment variable {name}";
        }

        var prefix = key + ConfigurationPath.KeyDelimiter;
        var below = _origins.FirstOrDefault(o => o.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return below.Key is null ? null : $"environment variable {below.Value}";
    }

    public override string ToString() => "environment variables PEERSYNC__*";
}
