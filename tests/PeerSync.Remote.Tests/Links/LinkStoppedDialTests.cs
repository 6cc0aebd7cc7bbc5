using PeerSync.Actors;
using PeerSync.Remote.Configuration;
using PeerSync.Remote.Links;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Faults;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A dial that completes after its link's actor was stopped for good: the handshaken session it
/// carries has no link to take it, so it must be closed, not left open in a dead letter.
/// </summary>
public sealed class LinkStoppedDialTests
{
    /// <summary>
    /// Regression: the dial told its outcome to the stopped actor; the open session went to dead
    /// letters with nobody to close it, and stayed open (counted by the remoting, with b's link
    /// taking it as a's) until b's heartbeat timeout, here longer than the test. b's frames to a are
    /// held on a manual clock, so the dial completes only when the test advances it, after the stop.
    /// The test stops the actor itself: the same final stop (PostStop, Terminated to the links actor)
    /// as its supervisor's once the restart budget is spent.
    /// </summary>
    [Fact]
    public async Task Link_dial_closes_its_session_when_the_link_was_stopped_before_the_dial_completed()
    {
        var time = new Support.ManualTimeProvider();
        var faults = new FaultInjector(seed: 1, time);
        var network = new TestNetwork(TransportKind.InMemory, faults);
        await using var a = await RemoteTestNode.StartAsync(network, "a", Patient);
        await using var b = await RemoteTestNode.StartAsync(network, "b", Patient);
        faults.Delay(a.Endpoint, b.Endpoint, TimeSpan.FromHours(1), FaultDirection.SecondToFirst);
        var linksPath = ActorPath.Parse(a.Remoting.Address + "/system/remote/links");
        await Eventually.TrueAsync(() => a.System.ResolveLocal(linksPath) is not null, "/system/remote/links started");
        var links = a.System.ResolveLocal(linksPath)!;
        links.Tell(new EnsureLink(b.Id, b.Endpoint), null);
        await Eventually.TrueAsync(() => a.Remoting.Transport.Counters.OpenedConnections == 1, "a's link to dial b");
        var link = a.LinkTo(b.Id);
        var watcher = a.CreateProbe();
        watcher.Watch(link);

        a.System.Stop(link);
        watcher.ExpectTerminated(link);
        Assert.Equal(0, a.Remoting.OpenSessions);
        faults.Heal(a.Endpoint, b.Endpoint);
        time.Advance(TimeSpan.FromHours(1));

        const string Detail = "the link to b stopped before its dial completed";
        await Eventually.TrueAsync(
            () => b.Logs.Entries.Any(e => e.Message.Contains(Detail, StringComparison.Ordinal)),
            "b to see a close the dialed session, saying why",
            () => $"a holds {a.Remoting.OpenSessions} sessions\n{string.Join("\n", a.Logs.Entries)}\n{string.Join("\n", b.Logs.Entries)}");
        await Eventually.TrueAsync(() => a.Remoting.OpenSessions == 0, "a to hold no session", () => $"{a.Remoting.OpenSessions} open");
        Assert.Equal(1, a.Remoting.Transport.Counters.OpenedConnections);
        Assert.Equal(0, a.DeadLetterCount(d => d.Message is DialCompleted));
    }

    /// <summary>No handshake and no heartbeat timeout within a test: only a close ends the session.</summary>
    private static void Patient(RemoteOptions options)
    {
        options.HandshakeTimeout = TimeSpan.FromMinutes(5);
        options.Link.HeartbeatTimeout = TimeSpan.FromMinutes(5);
    }
}
