using System.Diagnostics;
using System.Text;

namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>
/// One real `peersync-node` process (the built dll beside the tests, run with the dotnet host that
/// runs the tests), its output captured. Dispose kills it if it still runs (continuing it first if
/// it was stopped) and reaps it.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private static readonly TimeSpan ReapBound = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The process id (kept after the process is disposed, for reports).</summary>
    public int Pid { get; private set; }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static NodeProcess Start(string name, string workingDirectory, IEnumerable<string> args)
    {
        var process = new Process { StartInfo = DotnetChild.StartInfo(DotnetChild.NodeDll, args, workingDirectory) };
        var node = new NodeProcess(name, process);
        process.OutputDataReceived += (_, e) => node.Append(node._stdout, node._stdoutClosed, e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(node._stderr, node._stderrClosed, e.Data);
        process.Start();
        node.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits (bounded) for the process to exit and its output to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (pid {Pid}) did not exit within {bound}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, without a leave or a flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(ReapBound);
    }

    public void Interrupt() => Signals.Interrupt(Pid);

    public void Terminate() => Signals.Terminate(Pid);

    public void Freeze() => Signals.Stop(Pid);

    public void Thaw() => Signals.Continue(Pid);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // A stopped process cannot die until it is continued on some systems; continue it first.
                Signals.Continue(Pid);
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(ReapBound);
            }
        }
        catch (InvalidOperationException)
        {
            // The process exited between the check and the kill: nothing is left to reap.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(StringBuilder buffer, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
