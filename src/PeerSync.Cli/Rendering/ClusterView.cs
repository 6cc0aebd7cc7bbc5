using System.Globalization;
using PeerSync.Cli.Api.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PeerSync.Cli.Rendering;

/// <summary>Human output of `cluster show` and `cluster leader`.</summary>
internal static class ClusterView
{
    public static string Summary(ClusterState state) =>
        $"self {state.Self}, leader {state.Leader ?? "none"}, epoch {Epoch(state.Epoch)}, mode {state.Mode ?? "-"}";

    public static IRenderable Members(ClusterState state, CliOutput output)
    {
        var table = output.NewTable("Id", "Address", "Status", "Reachable", "Roles", "Started", "Incarnation");
        foreach (var member in state.Members.OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            table.AddRow(
                new Text(MemberLabel(member.Id, state)),
                new Text(Formats.OrDash(member.Address)),
                new Text(member.Status),
                member.Reachable ? new Text("yes") : new Markup("[red]no[/]"),
                new Text(Formats.List(member.Roles)),
                new Text(Formats.Time(member.StartedAt)),
                new Text(Formats.OrDash(member.Incarnation)));
        }

        return new Rows(new Text(Summary(state)), table);
    }

    public static string Leader(ClusterState state)
    {
        if (state.Leader is { } leader)
        {
            return $"{leader} (epoch {Epoch(state.Epoch)})";
        }

        return string.Equals(state.Mode, "leaderless", StringComparison.OrdinalIgnoreCase)
            ? "none (leaderless mode)"
            : $"none (no leader agreed yet, epoch {Epoch(state.Epoch)})";
    }

    private static string MemberLabel(string id, ClusterState state)
    {
        var marks = new List<string>(2);
        if (id == state.Self)
        {
            marks.Add("self");
        }

        if (id == state.Leader)
        {
            marks.Add("leader");
        }

        return marks.Count == 0 ? id : $"{id} ({string.Join(", ", marks)})";
    }

    private static string Epoch(long? epoch) => epoch?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
