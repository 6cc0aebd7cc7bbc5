using System.Runtime.InteropServices;

namespace PeerSync.EndToEnd.Tests.Support;

/// <summary>POSIX signals to a process by id (.NET sends only SIGKILL itself, through Process.Kill).</summary>
internal static partial class Signals
{
    public static void Interrupt(int pid) => Send(pid, 2);

    public static void Terminate(int pid) => Send(pid, 15);

    public static void Stop(int pid) => Send(pid, OperatingSystem.IsMacOS() ? 17 : 19);

    public static void Continue(int pid) => Send(pid, OperatingSystem.IsMacOS() ? 19 : 18);

    private static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("the end-to-end tests send POSIX signals: run them on Linux or macOS");
        }

        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
