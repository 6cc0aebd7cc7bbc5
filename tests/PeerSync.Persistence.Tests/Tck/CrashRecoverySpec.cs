using System.Diagnostics;
using System.Reflection;
using PeerSync.Persistence.CrashWriter;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// Kills a writing process with SIGKILL between writes and checks the journal it leaves: every
/// write the process saw confirmed is there, and no atomic write is there in part.
/// </summary>
public abstract class CrashRecoverySpec : IAsyncLifetime
{
    private const int ConfirmationsBeforeKill = 60;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private StoreTarget? _target;

    protected StoreTarget Target => _target ?? throw new InvalidOperationException("the spec is not initialized");

    protected abstract StoreTarget CreateTarget();

    /// <summary>The crash writer's arguments that make it write to <see cref="Target"/>.</summary>
    protected abstract string[] WriterArguments();

    public Task InitializeAsync()
    {
        _target = CreateTarget();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Journal_keeps_every_confirmed_write_and_no_partial_batch_when_the_writer_is_killed()
    {
        // Opening first creates the schema, so the child's start-up is quick and its writes overlap the kill.
        await (await Target.OpenAsync()).DisposeAsync();
        var confirmed = await RunAndKillWriterAsync();

        await using var stores = await Target.OpenAsync();
        for (var w = 0; w < CrashWorkload.Writers; w++)
        {
            var id = CrashWorkload.Id(w);
            var events = await stores.Journal.ReplayAllAsync(id);
            var highest = events.Count == 0 ? 0 : events[^1].SequenceNr;

            Assert.True(highest >= confirmed.GetValueOrDefault(id), $"{id}: confirmed up to {confirmed.GetValueOrDefault(id)} but the journal holds up to {highest}");
            Assert.True(highest % CrashWorkload.EventsPerWrite == 0, $"{id}: the journal ends at {highest}, inside an atomic write of {CrashWorkload.EventsPerWrite}");
            Assert.Equal(TestEvents.Range(1, highest), events.ConvertAll(e => e.SequenceNr));
            foreach (var e in events)
            {
                Assert.Equal(CrashWorkload.Payload(id, e.SequenceNr), e.Payload.Bytes);
            }
        }

        Assert.True(confirmed.Values.Sum() >= ConfirmationsBeforeKill, "the writer was killed before it confirmed enough writes");
    }

    private async Task<Dictionary<PersistenceId, long>> RunAndKillWriterAsync()
    {
        var start = DotnetChild.StartInfo(CrashWriterDll(), WriterArguments());
        start.RedirectStandardInput = true;

        var confirmed = new Dictionary<PersistenceId, long>();
        var lines = 0;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the crash writer did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (!line.StartsWith(CrashWorkload.ConfirmedPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                // A line printed before the kill is a write the process saw confirmed, however late we read it.
                var parts = line[CrashWorkload.ConfirmedPrefix.Length..].Split(' ');
                var id = PersistenceId.Parse(parts[0]);
                confirmed[id] = Math.Max(confirmed.GetValueOrDefault(id), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                if (++lines == ConfirmationsBeforeKill)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the crash writer confirmed {lines} writes in {Timeout}; stderr: {await WithoutWaitingAsync(stderr)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }

        Assert.True(lines >= ConfirmationsBeforeKill, $"the crash writer exited ({process.ExitCode}) after {lines} confirmations; stderr: {await stderr}");
        Assert.NotEqual(0, process.ExitCode);
        return confirmed;
    }

    private static async Task<string> WithoutWaitingAsync(Task<string> stderr) =>
        await Task.WhenAny(stderr, Task.Delay(TimeSpan.FromSeconds(5))) == stderr ? await stderr : "(not available)";

    private static string CrashWriterDll()
    {
        var path = typeof(CrashRecoverySpec).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashWriterDll").Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"the crash writer is not built at {path}; build tests/PeerSync.Persistence.Tests (it references the writer project)", path);
    }
}
