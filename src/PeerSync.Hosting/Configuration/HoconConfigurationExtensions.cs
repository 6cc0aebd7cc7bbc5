using Microsoft.Extensions.Configuration;

namespace PeerSync.Hosting.Configuration;

/// <summary>Adds HOCON sources to a configuration builder.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>
    /// Adds a HOCON file (.conf; .json and .properties by their own rules). A relative path
    /// resolves like <c>AddJsonFile</c>'s; a missing file is an error naming the path unless
    /// <paramref name="optional"/>.
    /// </summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.AddHocon(source =>
        {
            source.Path = path;
            source.Optional = optional;
        });
    }

    /// <summary>
    /// Adds HOCON text; <paramref name="sourceName"/> names it in error messages. Relative
    /// includes in it need <c>ParseOptions.BaseDirectory</c> (use <see cref="AddHocon"/>).
    /// </summary>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string text, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return builder.AddHocon(source =>
        {
            source.Text = text;
            source.SourceName = sourceName;
        });
    }

    /// <summary>Adds a HOCON source configured in full (for example with an injected environment).</summary>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, Action<HoconConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new HoconConfigurationSource();
        configure(source);
        return builder.Add(source);
    }
}
