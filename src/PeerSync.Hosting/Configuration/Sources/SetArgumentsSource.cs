using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Hocon;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Configuration.Sources;

/// <summary>
/// --set arguments: `key=value` where the key is a dotted `peersync` path and the value a HOCON
/// value, so `peersync.node.roles=[a,b]`, `peersync.remote.port=4053` and
/// `peersync.remote.secret="has # and spaces"` all work. All arguments are read as one HOCON
/// document, one per line, so a later one wins and objects merge. An empty value means "".
/// As in HOCON files, `#` and `//` start a comment in an unquoted value: quote such values.
/// </summary>
internal sealed class SetArgumentsSource : IConfigurationSource
{
    public SetArgumentsSource(IReadOnlyList<string> arguments, Func<string, string?> environment)
    {
        Arguments = arguments;
        Environment = environment;
    }

    public IReadOnlyList<string> Arguments { get; }

    public Func<string, string?> Environment { get; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SetArgumentsProvider(this);
}

internal sealed class SetArgumentsProvider : ConfigurationProvider, IConfigurationOriginProvider
{
    private const string SourceName = "--set";
    private readonly SetArgumentsSource _source;
    private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

    public SetArgumentsProvider(SetArgumentsSource source) => _source = source;

    public override void Load()
    {
        var text = new StringBuilder();
        var firstLines = new List<int>();
        var line = 1;
        foreach (var argument in _source.Arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? argument.Trim() : argument[..equals].Trim();
            if (equals < 0 || key.Length == 0)
            {
                throw new PeerSyncConfigurationException($"--set '{argument}': expected key=value, e.g. --set peersync.remote.port=4053");
            }

            if (!key.Equals(PeerSyncOptions.SectionName, StringComparison.OrdinalIgnoreCase)
                && !key.StartsWith(PeerSyncOptions.SectionName + ".", StringComparison.OrdinalIgnoreCase))
            {
                throw new PeerSyncConfigurationException($"--set '{argument}': the key must start with peersync., e.g. --set peersync.remote.port=4053");
            }

            firstLines.Add(line);
            text.Append(argument);
            if (argument[(equals + 1)..].Trim().Length == 0)
            {
                text.Append("\"\"");
            }

            text.Append('\n');
            line += 1 + argument.Count(c => c == '\n');
        }

        HoconObject root;
        try
        {
            root = HoconLoader.Parse(text.ToString(), SourceName, new HoconParseOptions { EnvironmentLookup = _source.Environment });
            Data = HoconConfigurationKeys.Flatten(root);
        }
        catch (HoconParseException e)
        {
            var index = ArgumentAt(firstLines, e.Line);
            var column = e.Line > 0 ? string.Create(CultureInfo.InvariantCulture, $" (column {e.Column})") : "";
            throw new PeerSyncConfigurationException($"--set '{_source.Arguments[index]}': {e.Problem}{column}", e);
        }

        _origins.Clear();
        foreach (var key in Data.Keys)
        {
            // The last argument that wrote the key or one of its parents set it.
            var origin = Find(root, key);
            _origins[key] = origin is { } o ? $"--set {_source.Arguments[ArgumentAt(firstLines, o.Line)]}" : SourceName;
        }
    }

    public string? OriginOf(string key)
    {
        if (_origins.TryGetValue(key, out var origin))
        {
            return origin;
        }

        var prefix = key + ConfigurationPath.KeyDelimiter;
        var below = _origins.FirstOrDefault(o => o.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return below.Key is null ? null : below.Value;
    }

    public override string ToString() => "--set arguments";

    private static int ArgumentAt(List<int> firstLines, int line)
    {
        var index = firstLines.FindLastIndex(first => first <= line);
        return Math.Max(index, 0);
    }

    private static HoconOrigin? Find(HoconObject root, string key)
    {
        HoconValue current = root;
        foreach (var segment in key.Split(ConfigurationPath.KeyDelimiter))
        {
            switch (current)
            {
                case HoconObject obj when obj.FirstOrDefault(f => string.Equals(f.Key, segment, StringComparison.OrdinalIgnoreCase)).Value is { } child:
                    current = child;
                    break;
                case HoconArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count:
                    current = array[i];
                    break;
                default:
                    return current.Origin.Line > 0 ? current.Origin : null;
            }
        }

        return current.Origin.Line > 0 ? current.Origin : null;
    }
}
