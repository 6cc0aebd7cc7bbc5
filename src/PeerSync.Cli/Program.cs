using System.Text;
using PeerSync.Cli;

// The process wrapper: real streams, real environment, Ctrl-C. Everything else is in Cli.RunAsync.
var interrupts = new Interrupts();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl-C stops the running command (a tail ends with exit 0); at the shell's prompt, with no
    // command running, the process ends as usual.
    e.Cancel = interrupts.Interrupt();
};

// Keys and values may be any Unicode text: never let a legacy console code page turn them into '?'.
Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

var environment = new CliEnvironment
{
    Variable = Environment.GetEnvironmentVariable,
    OutputIsTerminal = !Console.IsOutputRedirected,
    InputIsTerminal = !Console.IsInputRedirected,
    Width = Console.IsOutputRedirected ? 200 : Math.Max(Console.WindowWidth, 40),
    Interrupts = interrupts,
};

try
{
    return await Cli.RunAsync(args, Console.In, Console.Out, Console.Error, environment);
}
catch (IOException e)
{
    // Typically stdout closed under us (`psync cluster tail | head -1`): nothing more can be shown there.
    Console.Error.WriteLine($"psync: cannot write output: {e.Message}");
    return ExitCodes.Failure;
}
