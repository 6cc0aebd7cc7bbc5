using PeerSync.Hosting.Configuration.Sources;

namespace PeerSync.Node.Startup;

/// <summary>
/// What the node reads from its process besides arguments: environment variables and the working
/// directory (the base of relative `--config` files, `node.data-dir` and `logging.file.path`).
/// </summary>
public sealed record NodeEnvironment(IReadOnlyDictionary<string, string> Variables, string WorkingDirectory)
{
    /// <summary>Where console logs go instead of the process's standard output (tests, embedders); null: the console.</summary>
    public TextWriter? LogConsole { get; init; }

    /// <summary>Called once the node runs (HTTP bound, join under way), before it waits for shutdown.</summary>
    public Action<NodeHost>? Started { get; init; }

    public static NodeEnvironment FromProcess() =>
        new(PeerSyncConfigurationSources.ProcessEnvironment(), Directory.GetCurrentDirectory());
}
