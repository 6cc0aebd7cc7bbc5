using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Remote.Links;
using PeerSync.Remote.Tests.Session;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A node keeps talking to a peer whose port comes and goes: 100 times the peer starts (a new
/// incarnation on the same port), receives what is sent, and shuts down, sometimes with messages
/// still in flight. Afterwards there is one link entry, nothing leaked, and every message sent was
/// either delivered or dead-lettered with a reason.
/// </summary>
[Collection(nameof(SocketAccounting))]
public sealed class LinkReconnectLoopTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Cycles = 100;
    private const int PerCycle = 20;

    [Fact]
    public async Task A_peer_whose_port_comes_and_goes_100_times_leaves_one_link_no_leaks_and_no_silent_loss()
    {
        var network = new TestNetwork(TransportKind.Tcp);
        var socketsBefore = OpenSockets();
        var delivered = new ConcurrentDictionary<int, int>();
        var a = await RemoteTestNode.StartAsync(network, "a", o =>
        {
            // The peer is down between cycles: keep the redial delay short so the test stays short.
            o.Link.ReconnectMinBackoff = TimeSpan.FromMilliseconds(5);
            o.Link.ReconnectMaxBackoff = TimeSpan.FromMilliseconds(50);
        });
        a.System.WithTestMessages();
        var port = 0;
        var peerDeadLetters = new List<Actors.DeadLetter>();
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var b = await RemoteTestNode.StartAsync(network, "b", incarnation: (ulong)cycle + 1, port: port);
            await using (b)
            {
                port = b.Endpoint.Port;
                b.System.WithTestMessages().ActorOf(Props.Create(() => new SinkActor(delivered)), "sink");
                if (cycle == 0)
                {
                    a.Remoting.Connect(b.Endpoint);
                }

                // a redials on its own (backoff), and meets this cycle's incarnation.
                await Eventually.TrueAsync(
                    () => a.Remoting.PeerStates.Get(b.Id) is { State: PeerLinkState.Connected } status && status.Node == b.Node,
                    $"a connected to incarnation {cycle + 1}",
                    () => string.Join("\n", a.Logs.Entries.TakeLast(20).Select(e => e.ToString())));
                var sink = a.RefTo(b, "/user/sink");
                for (var i = 0; i < PerCycle; i++)
                {
                    sink.Tell(new Ping((cycle * PerCycle) + i), null);
                }

                if (cycle % 3 == 0)
                {
                    // Otherwise the peer goes away with messages still in flight.
                    var first = cycle * PerCycle;
                    await Eventually.TrueAsync(() => Enumerable.Range(first, PerCycle).All(delivered.ContainsKey), "this cycle's messages delivered");
                }
            }

            // Delivered to the peer's mailbox but not processed before it stopped: dead letters there.
            peerDeadLetters.AddRange(b.DeadLetters);
        }

        await a.Remoting.ShutdownAsync().Within();
        var links = LinkNames(a);
        var openSessions = a.Remoting.OpenSessions;
        var association = a.Remoting.Endpoints.Find(Remote.Addressing.NodeId.Parse("b"))!;
        await a.DisposeAsync();

        var lost = a.DeadLetters.Concat(peerDeadLetters).Where(d => d.Message is Ping).ToList();
        var deadLettered = lost.Select(d => ((Ping)d.Message).N).ToHashSet();
        var sent = Enumerable.Range(0, Cycles * PerCycle).ToArray();
        var unaccounted = sent.Where(n => !delivered.ContainsKey(n) && !deadLettered.Contains(n)).ToArray();
        Assert.True(unaccounted.Length == 0, $"{unaccounted.Length} messages neither delivered nor dead-lettered, e.g. {string.Join(", ", unaccounted.Take(10))}");
        Assert.All(delivered, d => Assert.Equal(1, d.Value));
        Assert.All(lost, d => Assert.Matches("^(quarantined|not-acknowledged|peer-gone): |^recipient stopped$", d.Reason));
        Assert.Equal(["b"], links);
        Assert.Equal(0, openSessions);
        Assert.False(association.IsConnected);
        Assert.Equal(0, association.BufferedCount);
        Assert.Equal(0, a.Remoting.Transport.Counters.OpenConnections);
        if (socketsBefore >= 0)
        {
            Assert.InRange(OpenSockets(), 0, socketsBefore);
        }

        output.WriteLine(
            $"{sent.Length} sent: {delivered.Count} delivered, {deadLettered.Count} dead-lettered ({string.Join(", ", lost.GroupBy(d => d.Reason.Split(':')[0]).Select(g => $"{g.Key} {g.Count()}"))}), {delivered.Keys.Count(deadLettered.Contains)} of them both (delivered, acknowledgement lost with the peer)");
    }

    private static string[] LinkNames(RemoteTestNode node) =>
        node.System.Hierarchy().DescendantsAndSelf()
            .Single(n => n.Path.EndsWith("/system/remote/links", StringComparison.Ordinal))
            .Children.Select(c => c.Name)
            .ToArray();

    /// <summary>Socket descriptors of this process (Linux), or -1 where /proc is not available.</summary>
    private static int OpenSockets()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked: it is not open, so it does not count.
            }
        }

        return count;
    }

    /// <summary>Records each Ping it receives (and how often).</summary>
    private sealed class SinkActor(ConcurrentDictionary<int, int> delivered) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is Ping ping)
            {
                delivered.AddOrUpdate(ping.N, 1, (_, n) => n + 1);
                return true;
            }

            return false;
        }
    }
}
