using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace PeerSync.Cluster;

public enum NoticeLevel
{
    Debug,
    Information,
    Warning,
    Error,
}

/// <summary>
/// Something the host should log. Machines do not log: they return notices with a constant
/// template and PascalCase properties (`NodeId`, `Leader`, `Epoch`, `Reason`...), which the host
/// passes to its logger unchanged and golden tests print with <see cref="Render"/>.
/// </summary>
public sealed record ClusterNotice(NoticeLevel Level, string Template, ImmutableArray<object?> Args)
{
    public static ClusterNotice Debug(string template, params object?[] args) => new(NoticeLevel.Debug, template, [.. args]);

    public static ClusterNotice Info(string template, params object?[] args) => new(NoticeLevel.Information, template, [.. args]);

    public static ClusterNotice Warning(string template, params object?[] args) => new(NoticeLevel.Warning, template, [.. args]);

    public static ClusterNotice Error(string template, params object?[] args) => new(NoticeLevel.Error, template, [.. args]);

    /// <summary>The template with each {Property} replaced, in order, by its argument.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var arg = 0;
        for (var i = 0; i < Template.Length; i++)
        {
            if (Template[i] == '{' && Template.IndexOf('}', i) is var close && close > i)
            {
                text.Append(arg < Args.Length ? Convert.ToString(Args[arg], CultureInfo.InvariantCulture) : "?");
                arg++;
                i = close;
            }
            else
            {
                text.Append(Template[i]);
            }
        }

        return text.ToString();
    }
}
