using PeerSync.Cli.Parsing;

namespace PeerSync.Cli.Shell;

/// <summary>
/// `psync` with no command: reads lines and runs each as a command with the same parser. Errors
/// are printed and the shell goes on. On a terminal it shows a banner and a prompt and always
/// exits 0; reading a script from redirected stdin it prints only the commands' output and exits
/// with the code of the last line that failed (0 when none did).
/// </summary>
internal sealed class InteractiveShell(CliApp app, TextReader input, TextWriter output, TextWriter error, CliEnvironment environment)
{
    /// <summary>The longest line read; longer is almost surely a pasted file, not a command.</summary>
    public const int MaxLineChars = 1 << 20;

    public async Task<int> RunAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var prompt = $"psync {settings.Node}> ";
        if (environment.InputIsTerminal)
        {
            await output.WriteLineAsync($"psync shell on {settings.Node}. Type 'help' for commands, 'exit' to leave.").ConfigureAwait(false);
        }

        var lastFailure = ExitCodes.Ok;
        while (true)
        {
            if (environment.InputIsTerminal)
            {
                await output.WriteAsync(prompt).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                if (environment.InputIsTerminal)
                {
                    await output.WriteLineAsync().ConfigureAwait(false);
                }

                break;
            }

            var code = await RunLineAsync(line, cancellationToken).ConfigureAwait(false);
            if (code is null)
            {
                break;
            }

            if (code != ExitCodes.Ok)
            {
                lastFailure = code.Value;
            }
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return environment.InputIsTerminal ? ExitCodes.Ok : lastFailure;
    }

    /// <summary>The line's exit code, or null when the line ends the shell.</summary>
    private async Task<int?> RunLineAsync(string line, CancellationToken cancellationToken)
    {
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return ExitCodes.Ok;
        }

        if (text.Length > MaxLineChars)
        {
            return Fail($"the line is longer than {MaxLineChars} characters");
        }

        if (!ShellWords.TryParse(text, out var words, out var problem))
        {
            return Fail(problem);
        }

        var args = words.ToList();
        if (args.Count > 0 && args[0] == "psync")
        {
            // A command line pasted whole from the docs or the history still works.
            args.RemoveAt(0);
        }

        if (args.Count == 0)
        {
            return ExitCodes.Ok;
        }

        switch (args[0])
        {
            case "exit" or "quit" when args.Count == 1:
                return null;
            case "help":
                args.RemoveAt(0);
                args.Add("--help");
                break;
            default:
                break;
        }

        return await app.RunShellLineAsync(args, cancellationToken).ConfigureAwait(false);
    }

    private int Fail(string message)
    {
        error.WriteLine("psync: " + message);
        error.Flush();
        return ExitCodes.Usage;
    }
}
