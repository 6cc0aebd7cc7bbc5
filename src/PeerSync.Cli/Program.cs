// The CLI arrives with the "node and its tools" work; until then it refuses to run.
Console.Error.WriteLine("psync: the CLI is not built yet");
return 1;
