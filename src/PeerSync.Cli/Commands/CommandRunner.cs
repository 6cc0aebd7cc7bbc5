using System.CommandLine;
using PeerSync.Cli.Api;
using PeerSync.Cli.Parsing;
using PeerSync.Cli.Rendering;
using Spectre.Console;

namespace PeerSync.Cli.Commands;

/// <summary>
/// Runs one parsed command: resolves the global options, builds the client and the output, and
/// turns every failure into its exit code with one line on stderr.
/// </summary>
internal sealed class CommandRunner(TextReader input, TextWriter output, TextWriter error, CliEnvironment environment, GlobalOptions globals)
{
    /// <summary>The shell's own settings while a shell runs; its lines inherit them.</summary>
    public GlobalSettings? ShellSettings { get; set; }

    public GlobalSettings ResolveSettings(ParseResult parse) => globals.Resolve(parse, ShellSettings, environment.Variable);

    public async Task<int> RunAsync(ParseResult parse, CommandHandler handler, CancellationToken cancellationToken)
    {
        GlobalSettings settings;
        try
        {
            settings = ResolveSettings(parse);
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }

        using var http = environment.CreateHttpClient();
        var client = new PeerSyncClient(http, settings.Node, settings.Token, settings.Timeout, environment.Time);
        var console = ConsoleFactory.Create(output, environment.UseAnsi, environment.Width);
        var border = environment.OutputIsTerminal ? TableBorder.Rounded : TableBorder.None;
        var cliOutput = new CliOutput(output, error, console, settings.Json, border);
        var context = new CommandContext(client, cliOutput, settings, input, environment.Time, ShellSettings is not null);
        using var scope = environment.Interrupts.Begin(cancellationToken);
        try
        {
            return await handler(context, scope.Token).ConfigureAwait(false);
        }
        catch (NodeRequestException e)
        {
            return Failure(e.Message);
        }
        catch (CommandFailedException e)
        {
            return Failure(e.Message);
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }
        catch (OperationCanceledException) when (scope.Token.IsCancellationRequested)
        {
            return Failure("interrupted");
        }
        finally
        {
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public int UsageError(string message)
    {
        error.WriteLine("psync: " + message);
        error.WriteLine(ShellSettings is null ? "Run 'psync --help' for usage." : "Type 'help' for usage.");
        error.Flush();
        return ExitCodes.Usage;
    }

    private int Failure(string message)
    {
        error.WriteLine("psync: " + message);
        error.Flush();
        return ExitCodes.Failure;
    }
}
