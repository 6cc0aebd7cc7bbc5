using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>`sync status | peers`.</summary>
internal static class SyncCommands
{
    public static async Task<int> StatusAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetSyncStatusAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Render(SyncView.Status(reply.Value));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> PeersAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var reply = await context.Client.GetSyncPeersAsync(cancellationToken).ConfigureAwait(false);
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Render(SyncView.Peers(reply.Value, context.Output));
        }

        return ExitCodes.Ok;
    }
}
