using System.Runtime.InteropServices;
using PeerSync.Node.Startup;

// The process wrapper: real streams, real environment, real signals. Everything else is in
// NodeStartup.RunAsync.
using var shutdown = new CancellationTokenSource();

// SIGINT (Ctrl-C) and SIGTERM ask for a graceful stop: stop taking requests, flush, leave, drain,
// bounded by NodeHost.StopBound. Later signals are absorbed: the stop is bounded already, and a
// terminal's Ctrl-C plus a script's SIGTERM (run-cluster) must not turn it into a crash. SIGKILL
// remains for an operator who will not wait.
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
try
{
    return await NodeStartup.RunAsync(args, Console.Out, Console.Error, NodeEnvironment.FromProcess(), shutdown.Token);
}
catch (IOException e)
{
    // Typically stdout closed under us (`peersync-node --print-config | head -1`).
    Console.Error.WriteLine($"peersync-node: cannot write output: {e.Message}");
    return NodeExitCodes.Failure;
}
