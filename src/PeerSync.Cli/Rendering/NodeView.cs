using PeerSync.Cli.Api.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PeerSync.Cli.Rendering;

/// <summary>Human output of `node info`, `actor hierarchy` and `log peek`.</summary>
internal static class NodeView
{
    public static IRenderable Info(NodeInfo node) => Fields.Grid(
        ("id", node.Id),
        ("version", Formats.OrDash(node.Version)),
        ("incarnation", Formats.OrDash(node.Incarnation)),
        ("address", Formats.OrDash(node.Address)),
        ("http", Formats.OrDash(node.Http)),
        ("started", Formats.Time(node.StartedAt)),
        ("uptime", Formats.Uptime(node.UptimeSeconds)),
        ("mode", Formats.OrDash(node.Mode)),
        ("roles", Formats.List(node.Roles)),
        ("data dir", Formats.OrDash(node.DataDir)),
        ("persistence", Formats.Text(node.Persistence)));

    public static IRenderable Actors(ActorInfo root)
    {
        var tree = new Tree(new Text(ActorLabel(root)));
        AddChildren(tree, root);
        return tree;
    }

    /// <summary>`time LVL message`, then the exception's lines indented under it.</summary>
    public static IEnumerable<string> LogLines(LogPage page)
    {
        foreach (var entry in page.Entries)
        {
            yield return $"{Formats.Timestamp(entry.Timestamp)} {LevelTag(entry.Level)} {entry.Message}";
            if (!string.IsNullOrEmpty(entry.Exception))
            {
                foreach (var line in entry.Exception.Split('\n'))
                {
                    yield return "    " + line.TrimEnd('\r');
                }
            }
        }
    }

    private static void AddChildren(IHasTreeNodes parent, ActorInfo actor)
    {
        foreach (var child in actor.Children.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var node = parent.AddNode(new Text(ActorLabel(child)));
            AddChildren(node, child);
        }
    }

    private static string ActorLabel(ActorInfo actor)
    {
        var label = actor.Path ?? actor.Name;
        var type = actor.Type is null ? "" : $" ({actor.Type})";
        var mailbox = Formats.Text(actor.Mailbox);
        return mailbox == "-" ? label + type : $"{label}{type} mailbox {mailbox}";
    }

    private static string LevelTag(string level) => level.ToUpperInvariant() switch
    {
        "VERBOSE" or "TRACE" => "VRB",
        "DEBUG" => "DBG",
        "INFORMATION" => "INF",
        "WARNING" => "WRN",
        "ERROR" => "ERR",
        "FATAL" or "CRITICAL" => "FTL",
        _ => level,
    };
}
