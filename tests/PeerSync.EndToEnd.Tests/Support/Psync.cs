using PeerSync.Cli;

namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>psync in process, through its entry point, against a real node.</summary>
internal static class Psync
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string node, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.Cli.RunAsync(["--node", node, .. args], new StringReader(""), stdout, stderr, new CliEnvironment())
            .WaitAsync(ProcessCluster.Bound);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
