using System.Diagnostics;

namespace PeerSync.Tests.ChildProcesses;

/// <summary>
/// Runs a built .NET program (peersync-node, the crash writer) as a child process of a test or a
/// benchmark: `dotnet exec &lt;dll&gt; args` on the host that runs the caller, output redirected,
/// and without the caller's PEERSYNC* environment (the machine's own settings must not leak into
/// the process under test). Linked into the projects that start such processes.
/// </summary>
internal static class DotnetChild
{
    /// <summary>The dotnet host that runs the caller (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>peersync-node.dll beside the caller's binaries (the projects that start nodes reference the node project).</summary>
    public static string NodeDll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "peersync-node.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"the built node is missing: {dll}; build the project that starts it");
        }
    }

    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PEERSYNC", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        return start;
    }
}
