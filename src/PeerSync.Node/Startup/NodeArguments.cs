namespace PeerSync.Node.Startup;

/// <summary>
/// peersync-node's command line: `--config &lt;file&gt;` and `--set key=value` (both repeatable, in
/// order; `--config=file` and `--set=key=value` also work), `--print-config`, `--help`.
/// </summary>
public sealed record NodeArguments
{
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    public IReadOnlyList<string> Sets { get; init; } = [];

    public bool PrintConfig { get; init; }

    public bool Help { get; init; }

    /// <summary>The usage text for --help.</summary>
    public const string Usage = """
        Usage: peersync-node [--config <file>]... [--set <key>=<value>]... [--print-config]

        Runs a PeerSync node. Settings come from, lowest precedence first: the built-in
        reference.conf, the --config files in order, appsettings.json in the working directory,
        PEERSYNC__SECTION__KEY environment variables, then the --set arguments in order.

          --config <file>        a HOCON (or JSON) configuration file; repeatable, later files win
          --set <key>=<value>    one setting, value in HOCON syntax; repeatable, e.g.
                                 --set peersync.remote.port=4053 --set 'peersync.node.roles=[hub]'
          --print-config         print the effective configuration as JSON (secrets masked) and exit
          --help                 print this text and exit

        Exit codes: 0 clean shutdown, 1 failure while running, 2 bad arguments or configuration.
        Every key and its default: hocon/reference.conf. More: docs/configuration.md.
        """;

    /// <summary>Parses the arguments, or throws <see cref="NodeUsageException"/> with a one-line reason.</summary>
    public static NodeArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configs = new List<string>();
        var sets = new List<string>();
        var print = false;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = Split(arg);
            switch (name)
            {
                case "--config":
                    configs.Add(Value(args, ref i, name, inline, "a file path, e.g. --config hocon/node1.conf"));
                    break;
                case "--set":
                    sets.Add(Value(args, ref i, name, inline, "key=value, e.g. --set peersync.remote.port=4053"));
                    break;
                case "--print-config" when inline is null:
                    print = true;
                    break;
                case "--help" or "-h" or "-?" when inline is null:
                    help = true;
                    break;
                default:
                    throw new NodeUsageException(arg.StartsWith('-')
                        ? $"unknown argument '{arg}'; run peersync-node --help for the arguments"
                        : $"unexpected argument '{arg}'; configuration files are given with --config {arg}");
            }
        }

        return new NodeArguments { ConfigFiles = configs, Sets = sets, PrintConfig = print, Help = help };
    }

    private static (string Name, string? Inline) Split(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var equals and > 2)
        {
            return (arg[..equals], arg[(equals + 1)..]);
        }

        return (arg, null);
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name, string? inline, string expected)
    {
        var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
        if (string.IsNullOrWhiteSpace(value) || (inline is null && value.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new NodeUsageException($"{name} needs {expected}");
        }

        return value;
    }
}
