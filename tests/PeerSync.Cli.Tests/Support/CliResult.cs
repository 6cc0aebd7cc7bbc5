namespace PeerSync.Cli.Tests.Support;

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stdout's lines with trailing spaces removed (tables pad their cells).</summary>
    public IReadOnlyList<string> Lines => Out.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
}
