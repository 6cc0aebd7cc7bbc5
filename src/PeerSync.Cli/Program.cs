using PeerSync.Cli;

// The process wrapper: real streams, real environment, Ctrl-C. Everything else is in Cli.RunAsync.
var interrupts = new Interrupts();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl-C stops the running command (a tail ends with exit 0); at the shell's prompt, with no
    // command running, the process ends as usual.
    e.Cancel = interrupts.Interrupt();
};

var environment = new CliEnvironment
{
    Variable = Environment.GetEnvironmentVariable,
    OutputIsTerminal = !Console.IsOutputRedirected,
    InputIsTerminal = !Console.IsInputRedirected,
    Width = Console.IsOutputRedirected ? 200 : Math.Max(Console.WindowWidth, 40),
    Interrupts = interrupts,
};

return await Cli.RunAsync(args, Console.In, Console.Out, Console.Error, environment);
