using Google.Protobuf;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Tests.Support;

public static class Frames
{
    public static Frame User(string recipient, int payloadBytes = 16, byte fill = 0x5a) => new()
    {
        UserMessage = new UserMessage
        {
            RecipientPath = recipient,
            SenderPath = "/user/test",
            SerializerId = 1,
            Manifest = "T",
            Payload = ByteString.CopyFrom(Enumerable.Repeat(fill, payloadBytes).ToArray()),
        },
    };

    public static Frame User(int sequence) => User("/user/seq/" + sequence);

    public static int SequenceOf(Frame frame) => int.Parse(frame.UserMessage.RecipientPath["/user/seq/".Length..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Bounds a test step: a hang fails the test instead of stalling the run.</summary>
    public static Task<T> Within<T>(this Task<T> task, int seconds = 30) => task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static Task Within(this Task task, int seconds = 30) => task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static Task<T> Within<T>(this ValueTask<T> task, int seconds = 30) => task.AsTask().WaitAsync(TimeSpan.FromSeconds(seconds));
}

public static class Eventually
{
    /// <summary>How long a condition may take: 10 s, stretched by PEERSYNC_TEST_TIME_FACTOR like the TestKit's timeouts.</summary>
    private static readonly TimeSpan Bound = PeerSync.TestKit.TestKitSettings.FromEnvironment().Dilated(TimeSpan.FromSeconds(10));

    /// <summary>
    /// Waits (bounded by <see cref="Bound"/>) for a condition that another thread makes true.
    /// <paramref name="diagnostics"/> is evaluated only on timeout, to say what was seen instead.
    /// </summary>
    public static async Task TrueAsync(Func<bool> condition, string what, Func<string>? diagnostics = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound)
            {
                Assert.Fail($"timed out after {Bound.TotalSeconds:0} s waiting for {what}{(diagnostics is null ? "" : ": " + diagnostics())}");
            }

            // Forced to yield: otherwise the test would go on inside the timer callback that
            // completed the delay, and a blocking wait there (ExpectMsg) would hold up every timer
            // of that timer queue, the actor systems' included. Continue on a pool thread instead.
            await Task.Delay(10).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
    }
}
