using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using PeerSync.Hosting.Configuration.Hocon;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// A HOCON file or text as a configuration source. Set either <see cref="Path"/> or
/// <see cref="Text"/>. The source is read when the configuration is built and again on
/// <c>IConfigurationRoot.Reload()</c>; files are not watched.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>
    /// The file to read. A relative path resolves against the builder's base path
    /// (<c>SetBasePath</c>, which hosts set to the content root) like <c>AddJsonFile</c>, or the
    /// current directory when no physical base path is set.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>HOCON text to read instead of a file.</summary>
    public string? Text { get; set; }

    /// <summary>The name of <see cref="Text"/> in error messages.</summary>
    public string? SourceName { get; set; }

    /// <summary>When true, a missing file gives no settings instead of an error. A file that exists must be valid.</summary>
    public bool Optional { get; set; }

    /// <summary>The environment used by <c>${?VAR}</c> substitutions, and the base directory for includes in text.</summary>
    public HoconParseOptions ParseOptions { get; set; } = HoconParseOptions.Default;

    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if ((Path is null) == (Text is null))
        {
            throw new InvalidOperationException($"a {nameof(HoconConfigurationSource)} needs exactly one of {nameof(Path)} and {nameof(Text)}");
        }

        return new HoconConfigurationProvider(this, Path is null ? null : ResolvePath(builder, Path));
    }

    private static string ResolvePath(IConfigurationBuilder builder, string path)
    {
        if (System.IO.Path.IsPathRooted(path))
        {
            return System.IO.Path.GetFullPath(path);
        }

        return builder.Properties.TryGetValue("FileProvider", out var provider) && provider is PhysicalFileProvider physical
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(physical.Root, path))
            : System.IO.Path.GetFullPath(path);
    }
}
