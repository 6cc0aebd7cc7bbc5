using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace PeerSync.Hosting.Logging;

/// <summary>
/// `logging.overrides`: the level of a category is the override of its longest matching prefix
/// (`PeerSync.Remote` matches `PeerSync.Remote` and `PeerSync.Remote.Transport`, not
/// `PeerSync.RemoteX`, as Serilog's own overrides), else the destination's own level.
/// </summary>
internal sealed class CategoryLevels
{
    private readonly (string Category, LogLevel Level)[] _overrides;

    public CategoryLevels(IEnumerable<KeyValuePair<string, LogLevel>> overrides) =>
        _overrides = overrides.Select(o => (o.Key, o.Value)).OrderByDescending(o => o.Key.Length).ToArray();

    public IEnumerable<(string Category, LogLevel Level)> Overrides => _overrides;

    /// <summary>Whether an event passes a destination whose own level is <paramref name="destinationLevel"/>.</summary>
    public bool Passes(LogEvent logEvent, LogLevel destinationLevel)
    {
        var level = destinationLevel;
        if (logEvent.Properties.TryGetValue(Serilog.Core.Constants.SourceContextPropertyName, out var value)
            && value is ScalarValue { Value: string category })
        {
            foreach (var (prefix, overrideLevel) in _overrides)
            {
                if (category.StartsWith(prefix, StringComparison.Ordinal)
                    && (category.Length == prefix.Length || category[prefix.Length] == '.'))
                {
                    level = overrideLevel;
                    break;
                }
            }
        }

        return level != LogLevel.None && LogLevels.FromSerilog(logEvent.Level) >= level;
    }
}
