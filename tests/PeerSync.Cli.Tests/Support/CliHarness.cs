namespace PeerSync.Cli.Tests.Support;

/// <summary>Runs the whole CLI in-process on in-memory streams, with a chosen environment.</summary>
internal sealed class CliHarness
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public ObservableWriter Out { get; } = new();

    public ObservableWriter Error { get; } = new();

    public ManualTimeProvider? Time { get; init; }

    public bool InputIsTerminal { get; init; }

    public bool OutputIsTerminal { get; init; }

    public Interrupts Interrupts { get; } = new();

    public string Input { get; set; } = "";

    public Task<int> StartAsync(params string[] args) =>
        Cli.RunAsync(args, new StringReader(Input), Out, Error, Environment());

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var harness = new CliHarness();
        return await harness.RunToEndAsync(args);
    }

    public async Task<CliResult> RunToEndAsync(params string[] args)
    {
        var exit = await StartAsync(args).WaitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(exit, Out.ToString(), Error.ToString());
    }

    private CliEnvironment Environment() => new()
    {
        Variable = name => Variables.GetValueOrDefault(name),
        InputIsTerminal = InputIsTerminal,
        OutputIsTerminal = OutputIsTerminal,
        Width = 200,
        Time = Time ?? TimeProvider.System,
        Interrupts = Interrupts,
    };
}
