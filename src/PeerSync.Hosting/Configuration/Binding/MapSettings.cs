using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Sync.Configuration;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>Named entries the binder walks itself.</summary>
internal abstract class BoundMapSetting : MapSetting
{
    protected BoundMapSetting(string path)
        : base(path)
    {
    }

    public abstract void Bind(IConfigurationSection section, BindContext context);
}

/// <summary>`peersync.sync.collections.&lt;name&gt; { kind = owned | shared | sequenced }`.</summary>
internal sealed class CollectionsSetting : BoundMapSetting
{
    private const string KindKey = "kind";

    public CollectionsSetting(string path)
        : base(path)
    {
    }

    public override string Example => "tags { kind = shared }";

    public override void Bind(IConfigurationSection section, BindContext context)
    {
        foreach (var entry in section.GetChildren())
        {
            var key = $"{Path}.{BindContext.QuoteKey(entry.Key)}";
            var children = entry.GetChildren().ToList();
            if (!string.IsNullOrEmpty(entry.Value) && children.Count == 0)
            {
                context.Report(entry, key, $"expected a section such as {Example}, found '{entry.Value}'");
                continue;
            }

            var collection = new SyncCollectionOptions();
            foreach (var child in children)
            {
                var childKey = $"{key}.{child.Key}";
                if (!string.Equals(child.Key, KindKey, StringComparison.OrdinalIgnoreCase))
                {
                    context.Report(child, childKey, $"unknown setting; a collection has only '{KindKey}' (owned or shared), as in {Example}");
                }
                else if (context.ScalarText(child, childKey, "owned or shared") is { } kind)
                {
                    collection.Kind = kind;
                }
            }

            context.Options.Sync.Collections[entry.Key] = collection;
        }
    }

    public override JsonObject Read(PeerSyncOptions options)
    {
        var result = new JsonObject();
        foreach (var (name, collection) in options.Sync.Collections.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            result[name] = new JsonObject { [KindKey] = collection.Kind };
        }

        return result;
    }
}

/// <summary>
/// `peersync.logging.overrides.&lt;category&gt; = level`. A category name's dots may be written as
/// nesting (`overrides.PeerSync.Remote = debug`, `PEERSYNC__LOGGING__OVERRIDES__PeerSync__Remote`),
/// so every level found at any depth applies to the category named by its whole path.
/// </summary>
internal sealed class LogOverridesSetting : BoundMapSetting
{
    public LogOverridesSetting(string path)
        : base(path)
    {
    }

    public override string Example => "\"PeerSync.Remote\" = debug";

    public override void Bind(IConfigurationSection section, BindContext context) => Visit(section, null, context);

    public override JsonObject Read(PeerSyncOptions options)
    {
        var result = new JsonObject();
        foreach (var (category, level) in options.Logging.Overrides.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            result[category] = SettingTypes.Level.ToJson(level);
        }

        return result;
    }

    private void Visit(IConfigurationSection section, string? prefix, BindContext context)
    {
        foreach (var child in section.GetChildren())
        {
            var category = prefix is null ? child.Key : $"{prefix}.{child.Key}";
            var hasChildren = child.GetChildren().Any();
            if (child.Value is { Length: > 0 } text)
            {
                var key = $"{Path}.{BindContext.QuoteKey(category)}";
                if (SettingTypes.Level.Parse(text, out var level, out var error))
                {
                    context.Options.Logging.Overrides[category] = level;
                }
                else
                {
                    context.Report(child, key, error);
                }
            }
            else if (!hasChildren)
            {
                // JSON null or {} (which the JSON provider writes as ""): no override for this
                // category, not even the default one.
                context.Options.Logging.Overrides.Remove(category);
            }

            Visit(child, category, context);
        }
    }
}
