using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Tcp;

namespace PeerSync.Remote.Tests.Session;

[CollectionDefinition(nameof(SocketAccounting), DisableParallelization = true)]
public sealed class SocketAccounting;

/// <summary>
/// Leak checks that count the process's socket descriptors, so they run alone (after the
/// parallel tests) where no other test opens sockets meanwhile.
/// </summary>
[Collection(nameof(SocketAccounting))]
public sealed class ReconnectLoopTests
{
    [Fact]
    public async Task Reconnecting_to_a_listener_that_starts_and_stops_100_times_leaves_no_socket_open()
    {
        var server = new TcpTransport();
        var client = new TcpTransport();
        var dialer = new RemoteDialer(client, TestNodes.Runner(TestNodes.Config("client")));
        var serverRunner = TestNodes.Runner(TestNodes.Config("server"));
        var socketsBefore = OpenSockets();
        EndpointAddress address = new("127.0.0.1", 0);

        for (var cycle = 0; cycle < 100; cycle++)
        {
            if (cycle > 0)
            {
                // Nothing listens between cycles: a refused dial is a value, not an exception.
                var refused = await dialer.ConnectAsync(address).Within();
                Assert.Equal(DisconnectReason.ConnectionLost, refused.Reason);
            }

            var sessions = new List<PeerSession>();
            var listener = await RemoteListener.StartAsync(server, address, serverRunner, (s, _) =>
            {
                lock (sessions)
                {
                    sessions.Add(s);
                }

                return Task.CompletedTask;
            });
            address = listener.LocalAddress;

            var result = await dialer.ConnectAsync(address).Within();
            Assert.True(result.Succeeded, result.ToString());
            result.Session!.TrySend(Frames.User("/user/cycle/" + cycle));

            await listener.DisposeAsync();
            PeerSession[] accepted;
            lock (sessions)
            {
                accepted = [.. sessions];
            }

            Assert.Equal("/user/cycle/" + cycle, (await accepted.Single().ReceiveAsync().Within())!.UserMessage.RecipientPath);
            await Task.WhenAll(accepted.Select(s => s.DisposeAsync().AsTask()).Append(result.Session.DisposeAsync().AsTask())).Within();
        }

        await server.Counters.WhenOpenAtMostAsync(0).Within();
        await client.Counters.WhenOpenAtMostAsync(0).Within();
        Assert.Equal(0, server.Counters.OpenListeners);
        Assert.Equal(100, server.Counters.OpenedConnections);
        if (socketsBefore >= 0)
        {
            Assert.InRange(OpenSockets(), 0, socketsBefore);
        }
    }

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
}
