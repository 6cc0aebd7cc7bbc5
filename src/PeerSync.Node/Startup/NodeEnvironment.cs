using PeerSync.Hosting.Configuration.Sources;

namespace PeerSync.Node.Startup;

/// <summary>What the node reads from its process besides arguments: environment variables and the working directory.</summary>
public sealed record NodeEnvironment(IReadOnlyDictionary<string, string> Variables, string WorkingDirectory)
{
    public static NodeEnvironment FromProcess() =>
        new(PeerSyncConfigurationSources.ProcessEnvironment(), Directory.GetCurrentDirectory());
}
