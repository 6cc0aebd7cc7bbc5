using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Hocon;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// Loads a HOCON source into configuration keys (see <see cref="HoconConfigurationKeys"/> for
/// how keys come out). Substitutions resolve within this source and the files it includes;
/// they do not see other configuration sources.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource _source;
    private readonly string? _fullPath;

    public HoconConfigurationProvider(HoconConfigurationSource source, string? fullPath = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _fullPath = fullPath ?? (source.Path is null ? null : Path.GetFullPath(source.Path));
    }

    /// <summary>
    /// Reads the source. Throws <see cref="HoconParseException"/> for invalid content and
    /// <see cref="FileNotFoundException"/> for a missing file that is not optional.
    /// </summary>
    public override void Load()
    {
        if (_source.Text is { } text)
        {
            Data = HoconConfigurationKeys.Flatten(HoconLoader.Parse(text, _source.SourceName, _source.ParseOptions));
            return;
        }

        var path = _fullPath!;
        if (!File.Exists(path))
        {
            if (_source.Optional)
            {
                Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                return;
            }

            throw new FileNotFoundException($"the HOCON configuration file '{path}' does not exist and is not optional", path);
        }

        Data = HoconConfigurationKeys.Flatten(HoconLoader.LoadFile(path, _source.ParseOptions));
    }

    public override string ToString() =>
        $"{nameof(HoconConfigurationProvider)} for '{_fullPath ?? _source.SourceName ?? HoconLoader.DefaultSourceName}' ({(_source.Optional ? "Optional" : "Required")})";
}
