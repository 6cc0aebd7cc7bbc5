using Microsoft.Extensions.Configuration;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>Configuration stacks for tests: files in a temporary directory, a fake environment, --set pairs.</summary>
internal static class TestSources
{
    /// <summary>The smallest configuration that validates: id, secret, one seed.</summary>
    public const string ValidNode = """
        peersync {
          node.id = "n1"
          remote.secret = "0123456789abcdef-secret"
          cluster.seed-nodes = ["127.0.0.1:4053"]
        }
        """;

    public static PeerSyncConfigurationSources In(TempDirectory dir, IReadOnlyList<string>? files = null, IReadOnlyList<string>? sets = null, params (string Name, string Value)[] environment) => new()
    {
        BaseDirectory = dir.Path,
        ConfigFiles = files ?? [],
        Sets = sets ?? [],
        Environment = environment.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal),
    };

    /// <summary>Binds the stack; throws when binding fails.</summary>
    public static PeerSyncOptions Bind(PeerSyncConfigurationSources sources) =>
        PeerSyncOptionsBinder.Bind(PeerSyncConfiguration.Build(sources));

    /// <summary>Binds one HOCON text written as a file in <paramref name="dir"/> and returns the binding problems.</summary>
    public static IReadOnlyList<string> Problems(TempDirectory dir, string hocon)
    {
        var file = dir.Write("test.conf", hocon);
        PeerSyncOptionsBinder.Bind(PeerSyncConfiguration.Build(In(dir, [file])), out var problems);
        return problems;
    }

    /// <summary>Binds in-memory keys ("peersync:remote:port" = "7").</summary>
    public static PeerSyncOptions BindMemory(out IReadOnlyList<string> problems, params (string Key, string? Value)[] keys) =>
        PeerSyncOptionsBinder.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(keys.Select(k => new KeyValuePair<string, string?>(k.Key, k.Value))).Build(),
            out problems);

    /// <summary>Binds and validates <see cref="ValidNode"/> plus <paramref name="extra"/> (later wins).</summary>
    public static IReadOnlyList<string> ValidationProblems(TempDirectory dir, string extra)
    {
        var file = dir.Write("extra.conf", ValidNode + "\n" + extra);
        return Bind(In(dir, [file])).Validate();
    }
}
