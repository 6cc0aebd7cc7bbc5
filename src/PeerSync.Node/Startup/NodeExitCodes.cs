namespace PeerSync.Node.Startup;

/// <summary>peersync-node's exit codes (docs/configuration.md).</summary>
public static class NodeExitCodes
{
    /// <summary>Clean shutdown, --help, or --print-config of a valid configuration.</summary>
    public const int Ok = 0;

    /// <summary>The node failed while running (or cannot run in this build); the reason is on stderr.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or a bad configuration: unknown argument, unreadable file, unknown key,
    /// bad value, failed validation. One line per problem on stderr.</summary>
    public const int BadConfiguration = 2;
}
