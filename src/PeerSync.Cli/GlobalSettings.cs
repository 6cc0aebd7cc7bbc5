using PeerSync.Cli.Api;

namespace PeerSync.Cli;

/// <summary>The global options of one command, resolved: flag, else the shell's, else environment, else default.</summary>
public sealed record GlobalSettings(NodeEndpoint Node, string? Token, bool Json, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
}
