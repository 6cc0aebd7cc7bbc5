using System.Globalization;
using PeerSync.Cli.Api.Model;

namespace PeerSync.Cli.Rendering;

/// <summary>One line per `cluster tail` event, fixed columns so a live stream stays readable.</summary>
internal static class TailView
{
    /// <summary>Wide enough for the longest type, UnreachableMember.</summary>
    private const int TypeWidth = 17;

    public static string Snapshot(ClusterState state)
    {
        var members = string.Join(", ", state.Members
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => m.Reachable ? $"{m.Id} {m.Status}" : $"{m.Id} {m.Status} unreachable"));
        return $"snapshot: {ClusterView.Summary(state)}; members: {(members.Length == 0 ? "none" : members)}";
    }

    public static string Event(MemberEvent change)
    {
        var epoch = change.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-";
        return $"{Formats.Timestamp(change.At)}  {change.Type.PadRight(TypeWidth)}  {change.MemberId ?? "-"}  leader {change.Leader ?? "none"}  epoch {epoch}";
    }
}
