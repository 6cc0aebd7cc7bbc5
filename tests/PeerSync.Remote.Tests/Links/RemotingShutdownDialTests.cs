using PeerSync.Remote.Session;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A dial still in flight when <see cref="Remoting.ShutdownAsync"/> begins: shutdown must not
/// return before it is over, and its session must be refused and closed, never adopted.
/// </summary>
public sealed class RemotingShutdownDialTests
{
    /// <summary>
    /// Regression: shutdown closed the open sessions until it saw none and returned; a dial whose
    /// handshake finished after that was adopted (counted in OpenSessions, then closed) after
    /// ShutdownAsync had returned. Here a's seed dial to b holds b's HandshakeAccepted until
    /// shutdown either returned (the defect) or says it waits for the dial; then it is released.
    /// </summary>
    [Fact]
    public async Task Remoting_shutdown_waits_for_a_dial_in_flight_and_refuses_its_session_when_the_handshake_completes_late()
    {
        HeldAcceptedTransport? gate = null;
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a", wrapTransport: t => gate = new HeldAcceptedTransport(t));
        await using var b = await RemoteTestNode.StartAsync(network, "b");
        var adopted = new List<PeerSession>();
        a.Remoting.SessionAdopted += s =>
        {
            lock (adopted)
            {
                adopted.Add(s);
            }
        };
        a.Remoting.Connect(b.Endpoint);
        await gate!.Held.Within();

        var stopping = a.Remoting.ShutdownAsync();
        await Eventually.TrueAsync(
            () => stopping.IsCompleted || a.Logs.Entries.Any(e => e.Message.Contains("waits for 1 dial(s) in flight", StringComparison.Ordinal)),
            "shutdown to return or to wait for the held dial");
        var returnedBeforeTheDial = stopping.IsCompleted;
        gate.Release();
        await stopping.Within();
        var openAtReturn = a.Remoting.OpenSessions;
        var connectionsAtReturn = a.Remoting.Transport.Counters.OpenConnections;

        // b sees the dialed session closed; by then a late adoption on a would have happened.
        await Eventually.TrueAsync(() => b.Remoting.OpenSessions == 0, "b to see a close the dialed session", () => $"{b.Remoting.OpenSessions} open on b");
        lock (adopted)
        {
            Assert.True(adopted.Count == 0, $"a adopted {string.Join(", ", adopted)} although it was shutting down");
        }

        Assert.False(returnedBeforeTheDial, "ShutdownAsync returned while a dial was still in flight");
        Assert.Equal(0, openAtReturn);
        Assert.Equal(0, connectionsAtReturn);
        Assert.Equal(0, a.Remoting.OpenSessions);
    }
}
