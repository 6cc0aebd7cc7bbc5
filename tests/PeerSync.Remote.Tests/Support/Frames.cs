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
    /// <summary>Waits (bounded, 10 s) for a condition that another thread makes true.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"timed out waiting for {what}");
    }
}
