// The node host arrives with the "node and its tools" work; until then it refuses to run.
Console.Error.WriteLine("peersync-node: the node host is not built yet");
return 1;
