using System.Diagnostics;
using Google.Protobuf;
using PeerSync.Benchmarks.Harness;
using PeerSync.Remote.Protocol;

namespace PeerSync.Benchmarks.Suites;

/// <summary>
/// Node-to-node messaging on loopback TCP, in messages per second. Every case runs one connection
/// between two endpoints in this process (as the remote layer keeps one link per pair of nodes):
/// `tell-N` has N senders pushing one-way messages, `ping-pong-N` keeps N messages in flight, each
/// answered by an echo (both pings and pongs count as messages).
/// The floors (`floor:*`) are bare sockets with no PeerSync code: a length-prefixed sender and an
/// echo loop writing the same bytes per message. Each floor is run right before and right after its
/// actor case and reported as the mean of the two, so that the ratio compares figures of the same
/// minute on a machine whose speed drifts (the transport cases, run after, use the same floor). The
/// `transport:*` cases send the same messages as
/// protobuf UserMessage frames (64-byte payload, short actor paths: 105 bytes on the wire per message,
/// floors use the same size) through the framed connection and session layer, after a handshake.
/// The actor cases (`tell-N`, `ping-pong-N`) run between two actor systems with PeerSync remoting:
/// remote refs, batches, compression tables, acknowledgements, real actors on both ends, and the
/// same 64-byte payload (about 8 bytes of per-message envelope in a batch once paths are known).
/// `tell-1:no-mailbox` and `tell-1:link-only` take parts of the delivery away from tell-1 to show
/// where its time goes (<see cref="ReportTellWithoutDeliveryAsync"/>).
/// </summary>
public sealed partial class RemoteSuite : IBenchmarkSuite
{
    private const int PayloadBytes = 64;

    public string Name => "remote";

    public string Description => "loopback TCP: actor remoting and framed transport vs bare-socket floors (tell and ping-pong, 1 and 8 in flight)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var window = context.Quick
            ? new Window(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2))
            : new Window(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        // Two actor systems start fresh for each actor case: give the JIT time to reach its
        // optimized code before measuring (the other cases are plain loops that get there sooner).
        var actorWindow = window with { Warmup = window.Warmup + TimeSpan.FromSeconds(1) };
        var messageBytes = FrameCodecSize(Message());
        context.Progress($"message: {PayloadBytes}-byte payload, {messageBytes} bytes on the wire including the 4-byte length prefix");

        foreach (var flows in new[] { 1, 8 })
        {
            // This machine's speed drifts from minute to minute (other tenants take CPU time), so
            // each actor case is measured between two runs of its floor and compared with their mean.
            var floorTellBefore = await BareFloor.TellAsync(flows, messageBytes, window);
            var (actorTell, tellLost) = await ActorCases.TellAsync(flows, actorWindow);
            var floorTellAfter = await BareFloor.TellAsync(flows, messageBytes, window);
            var floorTell = (floorTellBefore + floorTellAfter) / 2;
            context.Report($"floor:tell-{flows}", "throughput", floorTell, "msg/s");
            context.Report($"tell-{flows}", "throughput", actorTell, "msg/s", floor: $"floor:tell-{flows}");
            context.Progress($"tell-{flows}: bare {floorTellBefore:N0} before and {floorTellAfter:N0} after, actors {actorTell:N0} msg/s ({actorTell / floorTell:P0} of their mean), {tellLost} dead letters");
            if (flows == 1)
            {
                await ReportTellWithoutDeliveryAsync(context, actorWindow, floorTell);
            }

            var floorPingBefore = await BareFloor.PingPongAsync(flows, messageBytes, window);
            var (actorPing, pingLost) = await ActorCases.PingPongAsync(flows, actorWindow);
            var floorPingAfter = await BareFloor.PingPongAsync(flows, messageBytes, window);
            var floorPing = (floorPingBefore + floorPingAfter) / 2;
            context.Report($"floor:ping-pong-{flows}", "throughput", floorPing, "msg/s");
            context.Report($"ping-pong-{flows}", "throughput", actorPing, "msg/s", floor: $"floor:ping-pong-{flows}");
            context.Progress($"ping-pong-{flows}: bare {floorPingBefore:N0} before and {floorPingAfter:N0} after, actors {actorPing:N0} msg/s ({actorPing / floorPing:P0} of their mean), {pingLost} dead letters");

            var tell = await TransportCases.TellAsync(flows, window);
            context.Report($"transport:tell-{flows}", "throughput", tell, "msg/s", floor: $"floor:tell-{flows}");
            var ping = await TransportCases.PingPongAsync(flows, window);
            context.Report($"transport:ping-pong-{flows}", "throughput", ping, "msg/s", floor: $"floor:ping-pong-{flows}");
            context.Progress($"transport (framed connection, no actors) tell-{flows} {tell:N0} msg/s ({tell / floorTell:P0}), ping-pong-{flows} {ping:N0} msg/s ({ping / floorPing:P0})");
        }
    }

    /// <summary>
    /// Where tell-1's time goes: the same case with parts of the delivery taken away, against the
    /// same floor. `tell-1:no-mailbox` delivers to a ref that counts on the link reader's thread
    /// instead of an actor; `tell-1:link-only` also has the receiving node's deserializer return a
    /// cached message. What is left is the link: Tell, the outbound log, batches, framing, the
    /// kernel's loopback path and the batch reader.
    /// </summary>
    private static async Task ReportTellWithoutDeliveryAsync(BenchmarkContext context, Window window, double floorTell)
    {
        var (noMailbox, noMailboxLost) = await ActorCases.TellAsync(1, window, TellReceiver.Inline);
        context.Report("tell-1:no-mailbox", "throughput", noMailbox, "msg/s", floor: "floor:tell-1");
        var (linkOnly, linkOnlyLost) = await ActorCases.TellAsync(1, window, TellReceiver.InlineCached);
        context.Report("tell-1:link-only", "throughput", linkOnly, "msg/s", floor: "floor:tell-1");
        context.Progress($"tell-1 without the mailbox hop {noMailbox:N0} msg/s ({noMailbox / floorTell:P0}), without the hop and the received message's allocation {linkOnly:N0} msg/s ({linkOnly / floorTell:P0}), {noMailboxLost + linkOnlyLost} dead letters");
    }

    private static Frame Message() => new()
    {
        UserMessage = new UserMessage
        {
            RecipientPath = "/user/pong-0",
            SenderPath = "/user/ping-0",
            SerializerId = 1,
            Manifest = "M",
            Payload = ByteString.CopyFrom(new byte[PayloadBytes]),
        },
    };

    private static int FrameCodecSize(Frame frame) => 4 + frame.CalculateSize();

    private readonly record struct Window(TimeSpan Warmup, TimeSpan Measure);

    /// <summary>Counts messages while a case runs; the rate is taken over the measuring window only.</summary>
    private sealed class Meter
    {
        private long _count;

        public void Add(long messages = 1) => Interlocked.Add(ref _count, messages);

        public async Task<double> MeasureAsync(Window window)
        {
            await Task.Delay(window.Warmup);
            var start = Interlocked.Read(ref _count);
            var clock = Stopwatch.StartNew();
            await Task.Delay(window.Measure);
            var end = Interlocked.Read(ref _count);
            return (end - start) / clock.Elapsed.TotalSeconds;
        }
    }
}
