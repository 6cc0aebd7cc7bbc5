using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Refs;
using PeerSync.Remote.Tests.Support;
using PeerSync.TestKit;

namespace PeerSync.Remote.Tests.Endpoints;

/// <summary>
/// The association's last line against a message reaching the wrong process: under the log's lock it
/// refuses a message told for an incarnation other than the one its log is for, even when that
/// incarnation is not quarantined (docs/design/remote-links.md, "Remote refs"). Links quarantine the
/// incarnation they replace before activating the new one, so the one path left to this check is a
/// sender that looked at the quarantine just before the link made it, a race no test can order; a ref
/// bound to an incarnation this node never quarantined puts the association in the same state.
/// </summary>
public sealed class AssociationReplacedIncarnationTests
{
    [Fact]
    public async Task Association_refuses_a_message_for_another_incarnation_than_its_log_when_that_one_is_not_quarantined()
    {
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        await using var b = await RemoteTestNode.StartAsync(network, "b", incarnation: 2);
        a.System.WithTestMessages();
        b.System.WithTestMessages();
        var inbox = b.CreateInbox();
        a.Remoting.Connect(b.Endpoint);
        await Eventually.TrueAsync(
            () => a.Remoting.IsLinkActive(b.Id) && a.Remoting.Endpoints.Find(b.Id)?.Current?.Node == b.Node,
            "a connected to b");
        var current = a.RefTo(b, "/user/inbox");
        var gone = new UniqueNode(b.Id, new Incarnation(1));
        var stale = new RemoteActorRef(a.Remoting, current.Path, a.Remoting.Endpoints.Handle(b.Endpoint), new BoundNode(gone));

        current.Tell(new Ping(1), null);
        stale.Tell(new Ping(2), null);
        current.Tell(new Ping(3), null);

        var letter = Assert.Single(a.DeadLetters, d => d.Message is Ping);
        Assert.Equal(new Ping(2), letter.Message);
        Assert.Equal($"quarantined: incarnation {gone} is gone; incarnation {b.Node.Incarnation} is running now", letter.Reason);
        Assert.Equal(new Ping(1), inbox.ExpectMsg<Ping>());
        Assert.Equal(new Ping(3), inbox.ExpectMsg<Ping>());
        Assert.False(a.Remoting.IsQuarantined(gone), "the refusal quarantines nothing");
        Assert.True(a.Remoting.IsLinkActive(b.Id));
        Assert.Empty(b.DeadLetters);
    }
}
