using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>`node info`, `actor hierarchy`, `log peek`: what one node says about itself.</summary>
internal static class NodeCommands
{
    public static async Task<int> InfoAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetNodeAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Render(NodeView.Info(reply.Value));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> ActorsAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetActorsAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Render(NodeView.Actors(reply.Value));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> LogsAsync(CommandContext context, int? limit, string? level, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetLogsAsync(limit, level, cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
            return ExitCodes.Ok;
        }

        if (reply.Value.Entries.Count == 0)
        {
            context.Output.Line("no log entries");
        }

        foreach (var line in NodeView.LogLines(reply.Value))
        {
            context.Output.Line(line);
        }

        return ExitCodes.Ok;
    }
}
