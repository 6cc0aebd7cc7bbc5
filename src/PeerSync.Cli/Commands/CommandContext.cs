using PeerSync.Cli.Api;
using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>What a command handler works with: the node's client, the output, the resolved options.</summary>
internal sealed record CommandContext(
    IPeerSyncClient Client,
    CliOutput Output,
    GlobalSettings Settings,
    TextReader Input,
    TimeProvider Time,
    bool InShell);
