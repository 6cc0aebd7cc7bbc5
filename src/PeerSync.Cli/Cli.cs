namespace PeerSync.Cli;

/// <summary>
/// psync as a function: the whole CLI runs in-process on the streams handed in and returns its
/// exit code (0 success, 1 failure, 2 bad usage). Program.cs is a thin wrapper around this.
/// </summary>
public static class Cli
{
    public static Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        CliEnvironment? environment = null,
        CancellationToken cancellationToken = default)
    {
        var app = new CliApp(stdin, stdout, stderr, environment ?? new CliEnvironment());
        return app.RunAsync(args, cancellationToken);
    }
}
