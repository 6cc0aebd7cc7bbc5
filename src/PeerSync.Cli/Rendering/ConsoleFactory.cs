using System.Text;
using Spectre.Console;

namespace PeerSync.Cli.Rendering;

/// <summary>
/// Builds the Spectre console for one run. Nothing is detected from the process: whether to use
/// ANSI and how wide to render come from <see cref="CliEnvironment"/>, so redirected output (and
/// every test) is plain text of a fixed width.
/// </summary>
internal static class ConsoleFactory
{
    public static IAnsiConsole Create(TextWriter stdout, bool ansi, int width) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new FixedOutput(stdout, width, ansi),
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
            EnvironmentVariables = new Dictionary<string, string>(),
        });

    private sealed class FixedOutput(TextWriter writer, int width, bool terminal) : IAnsiConsoleOutput
    {
        public TextWriter Writer { get; } = writer;

        public bool IsTerminal { get; } = terminal;

        public int Width { get; } = width;

        public int Height => 24;

        public void SetEncoding(Encoding encoding)
        {
            // The writer's encoding is fixed by whoever created it (the console or a test).
        }
    }
}
