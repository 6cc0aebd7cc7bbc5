using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// The configuration stack of a PeerSync node, used by peersync-node and by applications that
/// embed a node (docs/configuration.md). Later sources win:
/// <list type="number">
/// <item>reference.conf, built into this assembly (every default);</item>
/// <item>the --config HOCON files, in order, merged with the reference as one HOCON document;</item>
/// <item><c>appsettings.json</c> in the base directory, when present;</item>
/// <item>environment variables `PEERSYNC__SECTION__KEY`;</item>
/// <item>--set `key=value` arguments.</item>
/// </list>
/// Reading problems throw <see cref="PeerSyncConfigurationException"/> with one line naming the
/// file, line and column; binding and validation problems throw <see cref="PeerSyncOptionsException"/>.
/// </summary>
public static class PeerSyncConfiguration
{
    /// <summary>The prefix of environment variables that set `peersync` keys.</summary>
    public const string EnvironmentPrefix = "PEERSYNC__";

    /// <summary>The JSON file read from the base directory.</summary>
    public const string AppSettingsFileName = "appsettings.json";

    /// <summary>Reads every source into one configuration.</summary>
    public static IConfigurationRoot Build(PeerSyncConfigurationSources sources)
    {
        var builder = new ConfigurationBuilder();
        builder.AddPeerSyncSources(sources);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw JsonProblem(sources, e);
        }
        catch (FormatException e)
        {
            throw JsonProblem(sources, e);
        }
    }

    /// <summary>Reads, binds and validates: the options a node can start with.</summary>
    public static PeerSyncOptions Load(PeerSyncConfigurationSources sources) => PeerSyncOptionsBinder.Load(Build(sources));

    /// <summary>
    /// Adds the PeerSync sources to an application's builder, after whatever it already has, so
    /// that they win over it. To give the application's own sources the last word instead, add
    /// them after this call, or bind its configuration directly with <see cref="PeerSyncOptionsBinder"/>
    /// (the defaults need no reference file: they are the options classes' own).
    /// </summary>
    public static IConfigurationBuilder AddPeerSyncSources(this IConfigurationBuilder builder, PeerSyncConfigurationSources sources)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sources);
        var baseDirectory = Path.GetFullPath(sources.BaseDirectory);
        var environment = sources.Environment;
        Func<string, string?> lookup = name => environment.TryGetValue(name, out var value) ? value : null;

        var files = new List<string>();
        foreach (var file in sources.ConfigFiles)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                throw new PeerSyncConfigurationException("--config: the file name is empty");
            }

            var full = Path.GetFullPath(Path.Combine(baseDirectory, file));
            if (!File.Exists(full))
            {
                throw new PeerSyncConfigurationException(Directory.Exists(full)
                    ? $"--config {file}: '{full}' is a directory; give a HOCON file such as hocon/node1.conf"
                    : $"--config {file}: the file '{full}' does not exist");
            }

            files.Add(full);
        }

        builder.Add(new HoconFilesSource(files, baseDirectory, lookup));
        if (sources.UseAppSettings && File.Exists(Path.Combine(baseDirectory, AppSettingsFileName)))
        {
            builder.AddJsonFile(source =>
            {
                source.FileProvider = new PhysicalFileProvider(baseDirectory);
                source.Path = AppSettingsFileName;
                source.Optional = true;
                source.ReloadOnChange = false;
            });
        }

        builder.Add(new PeerSyncEnvironmentSource(environment));
        builder.Add(new SetArgumentsSource(sources.Sets, lookup));
        return builder;
    }

    private static PeerSyncConfigurationException JsonProblem(PeerSyncConfigurationSources sources, Exception e)
    {
        var file = Path.Combine(sources.BaseDirectory, AppSettingsFileName);
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
            {
                var message = json.Message;
                var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
                message = cut > 0 ? message[..cut] : message;
                return new PeerSyncConfigurationException(
                    string.Create(CultureInfo.InvariantCulture, $"{file}:{line + 1}:{column + 1}: invalid JSON: {message}"), e);
            }
        }

        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return new PeerSyncConfigurationException($"{file}: {innermost.Message}", e);
    }
}
