using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Printing;
using PeerSync.Hosting.Configuration.Sources;
using PeerSync.Hosting.Options;

namespace PeerSync.Node.Startup;

/// <summary>
/// peersync-node from arguments to exit code: parse the command line, read and check the
/// configuration, then print it (--print-config) or start the node. Every problem is one line on
/// stderr, `peersync-node: &lt;key&gt;: &lt;problem&gt;`, one per problem (at most
/// <see cref="MaxProblemLines"/>), and exit code 2.
/// </summary>
public static class NodeStartup
{
    /// <summary>Problems printed before "... and N more", so a broken file cannot flood a terminal.</summary>
    public const int MaxProblemLines = 10;

    private const string Prefix = "peersync-node: ";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, NodeEnvironment environment)
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

        stderr.WriteLine(Prefix + "starting a node is not available in this build");
        return NodeExitCodes.Failure;
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
