using System.Collections;

namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// What <see cref="PeerSyncConfiguration.Build"/> stacks, lowest precedence first: the built-in
/// reference.conf, <see cref="ConfigFiles"/>, appsettings.json in <see cref="BaseDirectory"/>,
/// `PEERSYNC__` variables of <see cref="Environment"/>, then <see cref="Sets"/>.
/// </summary>
public sealed record PeerSyncConfigurationSources
{
    /// <summary>HOCON (or .json) files, later ones win; relative paths resolve against <see cref="BaseDirectory"/>.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>`key=value` pairs as given to --set; values are HOCON values; later ones win.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>Environment variables: `PEERSYNC__...` settings, and the values of `${?VAR}` in HOCON files.
    /// Defaults to the process environment; tests pass their own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ProcessEnvironment();

    /// <summary>Where relative --config paths and appsettings.json are looked up. Defaults to the working directory.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Whether to read <c>appsettings.json</c> from <see cref="BaseDirectory"/> when it exists. Default true.</summary>
    public bool UseAppSettings { get; init; } = true;

    /// <summary>A copy of the process's environment variables.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
