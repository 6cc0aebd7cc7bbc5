using System.Globalization;

namespace PeerSync.TestKit;

/// <summary>
/// Default waits of the TestKit. Every default is multiplied by <see cref="TimeFactor"/>, read from
/// the environment variable PEERSYNC_TEST_TIME_FACTOR (default 1), so a slow CI machine can stretch
/// all of them at once without touching a test.
/// </summary>
public sealed record TestKitSettings
{
    public const string TimeFactorVariable = "PEERSYNC_TEST_TIME_FACTOR";

    /// <summary>How long ExpectMsg and friends wait when no timeout is given. Default 3 s.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long ExpectNoMsg watches when no duration is given. Default 300 ms.</summary>
    public TimeSpan DefaultNoMessageWait { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long the TestKit waits for the actor system to stop at the end of a test. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Multiplier for every wait; at least 1.</summary>
    public double TimeFactor { get; init; } = 1.0;

    public static TestKitSettings FromEnvironment() => new() { TimeFactor = ReadTimeFactor(Environment.GetEnvironmentVariable(TimeFactorVariable)) };

    /// <summary>Stretches <paramref name="duration"/> by <see cref="TimeFactor"/>.</summary>
    public TimeSpan Dilated(TimeSpan duration) => TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));

    internal static double ReadTimeFactor(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 1.0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || factor < 1 || double.IsInfinity(factor))
        {
            throw new ArgumentException($"{TimeFactorVariable}='{text}' is not a number of at least 1");
        }

        return factor;
    }
}
