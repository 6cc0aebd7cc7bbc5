using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>A provider that can say where one of its keys was written (file:line:column, a variable, an argument).</summary>
public interface IConfigurationOriginProvider
{
    /// <summary>Where <paramref name="key"/> (a configuration path, ':'-separated) or the first key
    /// below it was set; null when this provider does not have it.</summary>
    string? OriginOf(string key);
}

/// <summary>Finds which source set a key, for error messages.</summary>
internal static class ConfigurationOrigins
{
    /// <summary>The origin of <paramref name="path"/> in the last provider that has it or keys below it; null without a root.</summary>
    public static string? Describe(IConfigurationRoot? root, string path)
    {
        if (root is null)
        {
            return null;
        }

        foreach (var provider in root.Providers.Reverse())
        {
            var has = provider.TryGet(path, out _) || provider.GetChildKeys([], path).Any();
            if (!has)
            {
                continue;
            }

            return provider switch
            {
                IConfigurationOriginProvider described => described.OriginOf(path),
                JsonConfigurationProvider json => json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path,
                _ => Named(provider),
            };
        }

        return null;
    }

    /// <summary>A provider's own description; null when it only gives its type name (which tells a user nothing).</summary>
    private static string? Named(IConfigurationProvider provider)
    {
        var text = provider.ToString();
        return text is null || text == provider.GetType().Name || text == provider.GetType().FullName ? null : text;
    }
}
