using System.CommandLine;
using System.CommandLine.Invocation;
using PeerSync.Cli.Commands;
using PeerSync.Cli.Parsing;
using PeerSync.Cli.Shell;

namespace PeerSync.Cli;

/// <summary>
/// One psync run: the command tree, the runner, and the shell, wired to one set of streams.
/// Parse errors never reach a handler: they print on stderr and exit 2.
/// </summary>
internal sealed class CliApp
{
    private static readonly ParserConfiguration Parsing = new()
    {
        // `@name` must stay a literal argument (a key may start with '@'), not a response file.
        ResponseFileTokenReplacer = null,
    };

    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly CommandRunner _runner;
    private readonly InteractiveShell _shell;
    private readonly Command _root;

    public CliApp(TextReader input, TextWriter output, TextWriter error, CliEnvironment environment)
    {
        _output = output;
        _error = error;
        var globals = new GlobalOptions();
        _runner = new CommandRunner(input, output, error, environment, globals);
        _shell = new InteractiveShell(this, input, output, error, environment);
        _root = CommandTree.Build(globals, (command, handler) =>
            command.SetAction((parse, ct) => _runner.RunAsync(parse, handler(parse), ct)));
        _root.SetAction(StartShellAsync);
    }

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // `psync help [command]` reads like the shell's `help`.
        IReadOnlyList<string> words = args.Count > 0 && args[0] == "help" ? [.. args.Skip(1), "--help"] : args;
        return InvokeAsync(_root.Parse(words, Parsing), cancellationToken);
    }

    /// <summary>One shell line, parsed by the same tree; a line without a command is a usage error.</summary>
    public Task<int> RunShellLineAsync(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var parse = _root.Parse(words, Parsing);
        if (parse.Errors.Count == 0 && parse.CommandResult.Command == _root && parse.Action == _root.Action)
        {
            return Task.FromResult(_runner.UsageError("type a command, e.g. 'cluster show'"));
        }

        return InvokeAsync(parse, cancellationToken);
    }

    private async Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                _error.WriteLine("psync: " + error.Message);
            }

            _error.WriteLine(_runner.ShellSettings is null ? "Run 'psync --help' for usage." : "Type 'help' for usage.");
            _error.Flush();
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = _output,
            Error = _error,
            EnableDefaultExceptionHandler = false,
            // Ctrl-C is the host's business (see Interrupts): a test must not install signal handlers.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> StartShellAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        GlobalSettings settings;
        try
        {
            settings = _runner.ResolveSettings(parse);
        }
        catch (UsageException e)
        {
            return _runner.UsageError(e.Message);
        }

        _runner.ShellSettings = settings;
        try
        {
            return await _shell.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _runner.ShellSettings = null;
        }
    }
}
