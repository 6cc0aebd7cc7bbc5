using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>
/// An <see cref="Transport.IFrameConnection"/> written before the drained handler existed (it does not
/// implement the member) still carries everything told to the peer: the association must not wait
/// for a call that never comes (docs/design/remote-transport.md, "Sending").
/// </summary>
public sealed class ConnectionWithoutDrainedHandlerTests
{
    /// <summary>
    /// Regression: with the member given a default that does nothing, a message told while the
    /// connection was still writing waited for the drained call, so the last messages of a burst
    /// stayed unsent until something else was told. Each round ends with such a burst.
    /// </summary>
    [Theory]
    [InlineData(TransportKind.InMemory)]
    [InlineData(TransportKind.Tcp)]
    public async Task Association_sends_every_message_when_the_connection_never_calls_the_drained_handler(TransportKind kind)
    {
        const int Rounds = 20;
        const int PerRound = 500;
        var network = new TestNetwork(kind);
        await using var a = await RemoteTestNode.StartAsync(network, "a", wrapTransport: t => new PlainConnectionTransport(t));
        await using var b = await RemoteTestNode.StartAsync(network, "b", wrapTransport: t => new PlainConnectionTransport(t));
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        var target = a.RefTo(b, "/user/inbox");

        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < PerRound; i++)
            {
                target.Tell(new Ping((round * PerRound) + i), null);
            }

            for (var i = 0; i < PerRound; i++)
            {
                inbox.ExpectMsg(new Ping((round * PerRound) + i), TimeSpan.FromSeconds(10));
            }
        }

        await Eventually.TrueAsync(() => a.Remoting.BufferedMessages(b.Id) == 0, "b to acknowledge everything");
        Assert.Empty(a.DeadLetters);
    }
}
