using PeerSync.Node.Startup;

// The process wrapper: real streams, real environment. Everything else is in NodeStartup.Run.
try
{
    return NodeStartup.Run(args, Console.Out, Console.Error, NodeEnvironment.FromProcess());
}
catch (IOException e)
{
    // Typically stdout closed under us (`peersync-node --print-config | head -1`).
    Console.Error.WriteLine($"peersync-node: cannot write output: {e.Message}");
    return NodeExitCodes.Failure;
}
