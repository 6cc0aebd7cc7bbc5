using System.Net.Sockets;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Printing;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Logging;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Remote.Transport;

namespace PeerSync.Node.Startup;

/// <summary>
/// peersync-node from arguments to exit code: parse the command line, read and check the
/// configuration, then print it (--print-config) or run the node until <c>shutdown</c> is
/// cancelled (SIGINT/SIGTERM in the process). Every configuration problem is one line on stderr,
/// `peersync-node: &lt;key&gt;: &lt;problem&gt;`, one per problem (at most
/// <see cref="MaxProblemLines"/>), and exit code 2; a node that cannot start (a port in use, an
/// unusable data directory) is one such line and exit code 1. Design: docs/design/node-host.md.
/// </summary>
public static class NodeStartup
{
    /// <summary>Problems printed before "... and N more", so a broken file cannot flood a terminal.</summary>
    public const int MaxProblemLines = 10;

    private const string Prefix = "peersync-node: ";

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, NodeEnvironment environment, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(environment);
        NodeArguments arguments;
        try
        {
            arguments = NodeArguments.Parse(args);
        }
        catch (NodeUsageException e)
        {
            return Fail(stderr, [e.Message]);
        }

        if (arguments.Help)
        {
            stdout.WriteLine(NodeArguments.Usage);
            return NodeExitCodes.Ok;
        }

        var sources = new PeerSyncConfigurationSources
        {
            ConfigFiles = arguments.ConfigFiles,
            Sets = arguments.Sets,
            Environment = environment.Variables,
            BaseDirectory = environment.WorkingDirectory,
        };

        PeerSyncOptions options;
        try
        {
            options = PeerSyncOptionsBinder.Bind(PeerSyncConfiguration.Build(sources));
        }
        catch (PeerSyncConfigurationException e)
        {
            return Fail(stderr, [e.Message]);
        }
        catch (PeerSyncOptionsException e)
        {
            return Fail(stderr, e.Problems);
        }

        var problems = options.Validate();
        if (arguments.PrintConfig)
        {
            // The configuration is shown even when invalid (that is when one needs to see it); the
            // problems still go to stderr and the exit code says whether the node could start.
            stdout.WriteLine(EffectiveConfiguration.ToJsonText(options));
            return problems.Count == 0 ? NodeExitCodes.Ok : Fail(stderr, problems);
        }

        if (problems.Count > 0)
        {
            return Fail(stderr, problems);
        }

        ResolvePaths(options, environment.WorkingDirectory);
        using var logging = NodeLogging.Create(options, environment.LogConsole);
        NodeHost host;
        try
        {
            host = await NodeHost.StartAsync(options, logging, shutdown).ConfigureAwait(false);
        }
        catch (PeerSyncOptionsException e)
        {
            return Fail(stderr, e.Problems);
        }
        catch (Exception e) when (StartFailure(e) is { } reason)
        {
            stderr.WriteLine(Prefix + OneLine(reason));
            return NodeExitCodes.Failure;
        }

        await using (host.ConfigureAwait(false))
        {
            environment.Started?.Invoke(host);
            var code = await host.RunAsync(shutdown).ConfigureAwait(false);
            if (host.FailureReason is { } failure)
            {
                stderr.WriteLine(Prefix + OneLine(failure));
            }

            return code;
        }
    }

    /// <summary>
    /// The one line for a node that cannot start, naming the setting to change; null for an
    /// exception that is a bug (it propagates with its stack).
    /// </summary>
    private static string? StartFailure(Exception error) => error switch
    {
        TransportException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AccessDenied } } e =>
            $"peersync.remote.port: {e.Message}",
        TransportException e => $"peersync.remote.hostname: {e.Message}",

        // NodeHttpServer and DataEpochFile already name their setting.
        IOException e => e.Message,
        InvalidOperationException e when e.Message.StartsWith("peersync.", StringComparison.Ordinal) => e.Message,
        InvalidOperationException e when e.Message.Contains(DataEpochFile.FileName, StringComparison.Ordinal) => $"peersync.node.data-dir: {e.Message}",
        UnauthorizedAccessException e => $"peersync.node.data-dir: {e.Message}",
        OperationCanceledException => "shutdown requested while starting",
        _ => null,
    };

    /// <summary>Relative data and log paths are relative to the node's working directory, as its --config files are.</summary>
    private static void ResolvePaths(PeerSyncOptions options, string workingDirectory)
    {
        options.Node.DataDir = Path.GetFullPath(options.Node.ResolveDataDir(), workingDirectory);
        if (options.Logging.File.Path.Trim().Length > 0)
        {
            options.Logging.File.Path = Path.GetFullPath(options.Logging.File.Path, workingDirectory);
        }
    }

    private static int Fail(TextWriter stderr, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems.Take(MaxProblemLines))
        {
            stderr.WriteLine(Prefix + OneLine(problem));
        }

        if (problems.Count > MaxProblemLines)
        {
            stderr.WriteLine($"{Prefix}... and {problems.Count - MaxProblemLines} more problems");
        }

        return NodeExitCodes.BadConfiguration;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
