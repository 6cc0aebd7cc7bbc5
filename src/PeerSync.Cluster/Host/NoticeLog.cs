using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PeerSync.Cluster.Host;

/// <summary>
/// Logs a machine's <see cref="ClusterNotice"/> as a structured entry: the notice's constant
/// template is the message template and its arguments become the named properties (`NodeId`,
/// `PeerId`, `Leader`, `Epoch`, `Reason`...), exactly as a `LoggerMessage` call would log them, so
/// Serilog and other structured sinks index them. The property names of each template are parsed once.
/// </summary>
internal static class NoticeLog
{
    private static readonly ConcurrentDictionary<string, string[]> Names = new(StringComparer.Ordinal);

    public static LogLevel LevelOf(NoticeLevel level) => level switch
    {
        NoticeLevel.Debug => LogLevel.Debug,
        NoticeLevel.Information => LogLevel.Information,
        NoticeLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    public static void Log(ILogger logger, ClusterNotice notice)
    {
        var level = LevelOf(notice.Level);
        if (logger.IsEnabled(level))
        {
            logger.Log(level, default, new NoticeState(notice, Names.GetOrAdd(notice.Template, PropertyNames)), null, static (s, _) => s.Notice.Render());
        }
    }

    /// <summary>The names of a template's holes, in order, without format (`{Phi:0.0}` → Phi) or capture hints (`{@X}` → X).</summary>
    internal static string[] PropertyNames(string template)
    {
        var names = new List<string>();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                continue;
            }

            var close = template.IndexOf('}', i);
            if (close < 0)
            {
                break;
            }

            var name = template[(i + 1)..close].TrimStart('@', '$');
            var cut = name.IndexOfAny([':', ',']);
            names.Add(cut >= 0 ? name[..cut] : name);
            i = close;
        }

        return [.. names];
    }

    /// <summary>The state Microsoft.Extensions.Logging providers read: the properties, then `{OriginalFormat}` = the template.</summary>
    private sealed class NoticeState(ClusterNotice notice, string[] names) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public ClusterNotice Notice { get; } = notice;

        public int Count => names.Length + 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == names.Length
                ? new("{OriginalFormat}", Notice.Template)
                : new(names[index], index < Notice.Args.Length ? Notice.Args[index] : null);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Notice.Render();
    }
}
