using System.Text.Json.Nodes;
using PeerSync.Cli.Api;
using PeerSync.Cli.Api.Model;
using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>`cluster show | leader | leave [id] | down id | down-unreachable` (tail has its own class).</summary>
internal static class ClusterCommands
{
    public static async Task<int> ShowAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetClusterAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Render(ClusterView.Members(reply.Value, context.Output));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> LeaderAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetClusterAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            // The leader's part of the node's answer, as the node wrote it.
            var subset = new JsonObject();
            foreach (var name in new[] { "leader", "epoch", "mode" })
            {
                if (reply.Json.TryGetProperty(name, out var value))
                {
                    subset[name] = JsonNode.Parse(value.GetRawText());
                }
            }

            context.Output.WriteJson(subset);
        }
        else
        {
            context.Output.Line(ClusterView.Leader(reply.Value));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> LeaveAsync(CommandContext context, string? memberId, CancellationToken cancellationToken)
    {
        var reply = await context.Client.LeaveAsync(memberId, cancellationToken).ConfigureAwait(false);
        WriteChange(context, reply, memberId is null
            ? $"node {reply.Value.Id} is leaving the cluster (status {reply.Value.Status})"
            : $"asked {reply.Value.Id} to leave the cluster (status {reply.Value.Status})");
        return ExitCodes.Ok;
    }

    public static async Task<int> DownAsync(CommandContext context, string memberId, CancellationToken cancellationToken)
    {
        var reply = await context.Client.DownAsync(memberId, cancellationToken).ConfigureAwait(false);
        WriteChange(context, reply, $"marked {reply.Value.Id} down (status {reply.Value.Status})");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Downs every member this node sees as unreachable (and not already Down or Removed), one
    /// request each, reporting each result; one failure does not stop the others, but fails the run.
    /// </summary>
    public static async Task<int> DownUnreachableAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var cluster = await context.Client.GetClusterAsync(cancellationToken).ConfigureAwait(false);
        var targets = cluster.Value.Members
            .Where(m => !m.Reachable && m.Id != cluster.Value.Self && !IsGone(m))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
        var results = new JsonArray();
        var failed = 0;
        foreach (var member in targets)
        {
            try
            {
                var reply = await context.Client.DownAsync(member.Id, cancellationToken).ConfigureAwait(false);
                results.Add(new JsonObject { ["id"] = member.Id, ["ok"] = true, ["result"] = JsonNode.Parse(reply.Json.GetRawText()) });
                if (!context.Output.Json)
                {
                    context.Output.Line($"marked {reply.Value.Id} down (status {reply.Value.Status})");
                }
            }
            catch (NodeRequestException e)
            {
                failed++;
                results.Add(new JsonObject { ["id"] = member.Id, ["ok"] = false, ["error"] = e.Message });
                context.Output.Notice($"could not down {member.Id}: {e.Message}");
            }
        }

        if (context.Output.Json)
        {
            context.Output.WriteJson(results);
        }
        else if (targets.Count == 0)
        {
            context.Output.Line("no unreachable members");
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static bool IsGone(ClusterMember member) =>
        member.Status.Equals("Down", StringComparison.OrdinalIgnoreCase) || member.Status.Equals("Removed", StringComparison.OrdinalIgnoreCase);

    private static void WriteChange(CommandContext context, Reply<MemberChange> reply, string text)
    {
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Line(text);
        }
    }
}
