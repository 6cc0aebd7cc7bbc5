using PeerSync.Cli.Api;

namespace PeerSync.Cli;

/// <summary>
/// What psync takes from its surroundings, handed in so that a test runs the whole CLI in-process
/// with nothing read from the real process: variables, terminal facts, time, Ctrl-C, HTTP.
/// </summary>
public sealed record CliEnvironment
{
    /// <summary>Reads PSYNC_NODE, PSYNC_TOKEN and NO_COLOR.</summary>
    public Func<string, string?> Variable { get; init; } = _ => null;

    /// <summary>Stdout is a terminal: boxed tables, and colours unless NO_COLOR is set.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Stdin is a terminal: the shell shows a banner and a prompt.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Render width in columns; wide when redirected so tables are not wrapped for scripts.</summary>
    public int Width { get; init; } = 200;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Interrupts Interrupts { get; init; } = new();

    public Func<HttpClient> CreateHttpClient { get; init; } = PeerSyncClient.CreateHttpClient;

    /// <summary>ANSI styling only on a terminal and only when NO_COLOR (https://no-color.org) is unset or empty.</summary>
    internal bool UseAnsi => OutputIsTerminal && string.IsNullOrEmpty(Variable("NO_COLOR"));
}
