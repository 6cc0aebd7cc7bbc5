using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// Binds the `peersync` section of any configuration (HOCON, appsettings.json, environment,
/// command line, in-memory) to <see cref="PeerSyncOptions"/>. Keys are kebab-case as in
/// hocon/reference.conf, matched ignoring case. Absent keys keep the classes' defaults, which
/// equal reference.conf's. Every problem names the full key and, when the configuration is an
/// <see cref="IConfigurationRoot"/>, where the value was set; an unknown key is a problem too,
/// with the closest known key, so a typo is never silently ignored. Keys outside `peersync` are
/// left alone (they belong to the host).
/// </summary>
public static class PeerSyncOptionsBinder
{
    /// <summary>Binds, throwing <see cref="PeerSyncOptionsException"/> with every binding problem. Does not validate.</summary>
    public static PeerSyncOptions Bind(IConfiguration configuration)
    {
        var options = Bind(configuration, out var problems);
        return problems.Count == 0 ? options : throw new PeerSyncOptionsException(problems);
    }

    /// <summary>Binds what can be bound and returns the problems (empty when none). Does not validate.</summary>
    public static PeerSyncOptions Bind(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PeerSyncOptions();
        var context = new BindContext(configuration, options);
        var section = configuration.GetSection(PeerSyncOptions.SectionName);
        if (!string.IsNullOrEmpty(section.Value) && !section.GetChildren().Any())
        {
            context.Report(section, PeerSyncOptions.SectionName, $"expected a section of settings, found '{section.Value}'");
        }
        else
        {
            BindSection(PeerSyncSchema.Root, section, context);
        }

        CopySyncModeToElection(options);
        problems = context.Problems;
        return options;
    }

    /// <summary>Binds and validates: the options a node can start with, or <see cref="PeerSyncOptionsException"/> listing every problem.</summary>
    public static PeerSyncOptions Load(IConfiguration configuration)
    {
        var options = Bind(configuration);
        options.EnsureValid();
        return options;
    }

    /// <summary>Every key of the schema, dotted, in reference.conf order (maps as their section key).</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
        PeerSyncSchema.Root.Descendants().Where(e => e is not SchemaSection and not RefusedKey).Select(e => e.Path).ToList();

    private static void BindSection(SchemaSection schema, IConfigurationSection section, BindContext context)
    {
        foreach (var child in section.GetChildren())
        {
            var entry = schema.Find(child.Key);
            var key = entry?.Path ?? $"{schema.Path}.{BindContext.QuoteKey(child.Key)}";
            switch (entry)
            {
                case null:
                    var suggestion = KeySuggestions.Suggest(child.Key, schema, PeerSyncSchema.Root);
                    context.Report(child, key, suggestion is null
                        ? $"unknown setting; the settings here are {string.Join(", ", schema.Children.Where(c => c is not RefusedKey).Select(c => c.Name))}"
                        : $"unknown setting; did you mean {suggestion}?");
                    break;
                case RefusedKey refused:
                    context.Report(child, key, refused.Reason);
                    break;
                case SchemaSection inner:
                    if (IsScalar(child))
                    {
                        context.Report(child, key, $"expected a section with {string.Join(", ", inner.Children.Where(c => c is not RefusedKey).Select(c => c.Name).Take(4))}..., found '{child.Value}'");
                    }
                    else
                    {
                        BindSection(inner, child, context);
                    }

                    break;
                case ListSetting list:
                    if (context.ReadList(child, key) is { } values)
                    {
                        list.Apply(context.Options, values);
                    }

                    break;
                case BoundMapSetting map:
                    if (IsScalar(child))
                    {
                        context.Report(child, key, $"expected a section such as {{ {map.Example} }}, found '{child.Value}'");
                    }
                    else
                    {
                        map.Bind(child, context);
                    }

                    break;
                case IScalarSetting scalar:
                    if (context.ScalarText(child, key, scalar.Expected) is { } text
                        && !scalar.TryApply(context.Options, text, out var error))
                    {
                        context.Report(child, key, error!);
                    }

                    break;
            }
        }
    }

    /// <summary>A value where a section is expected. The JSON provider writes an empty object as "", which is an empty section.</summary>
    private static bool IsScalar(IConfigurationSection section) =>
        !string.IsNullOrEmpty(section.Value) && !section.GetChildren().Any();

    /// <summary>
    /// `peersync.sync.mode` is the one mode setting; the cluster's election follows it. An invalid
    /// mode is left for the sync section to report, so it is reported once, under its own key.
    /// </summary>
    private static void CopySyncModeToElection(PeerSyncOptions options)
    {
        var mode = options.Sync.Mode?.Trim().ToLowerInvariant();
        if (mode is "leader" or "leaderless")
        {
            options.Cluster.Election.Mode = mode;
        }
    }
}
