namespace PeerSync.Cli.Commands;

/// <summary>A command's body: returns its exit code; failures are thrown as the CLI's exceptions.</summary>
internal delegate Task<int> CommandHandler(CommandContext context, CancellationToken cancellationToken);
