using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class StashTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void UnstashAll_replays_stashed_messages_in_order_before_newer_ones()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell("open", null);
        actor.Tell(3, null);
        ExpectMsg(1);
        ExpectMsg(2);
        ExpectMsg(3);
    }

    [Fact]
    public void Unstash_replays_one_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell("one", null);
        ExpectMsg("stashed:1");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Stash_overflow_is_an_error_the_actor_sees()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)).WithStashCapacity(2));
        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell(3, null);
        var error = ExpectMsg<StashOverflowException>();
        Assert.Contains("is full (2 messages)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stashed_messages_survive_a_restart()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell(1, null);
        actor.Tell(new TestException("restart"), null);
        actor.Tell("open", null);
        ExpectMsg(1);
    }

    [Fact]
    public void Stashed_messages_become_dead_letters_when_the_actor_stops()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gate(TestActor)));
        actor.Tell(1, null);
        actor.Tell(2, null);
        DeadLetterFilter<int>(d => d.Reason.Contains("stashed", StringComparison.Ordinal)).Expect(2, () => actor.Tell(PoisonPill.Instance, null));
    }

    /// <summary>Stashes ints until "open"; "one" unstashes a single message; reports stash overflow.</summary>
    private sealed class Gate : ReceiveActor, IWithStash
    {
        public Gate(IActorRef target)
        {
            Receive<int>(_ =>
            {
                try
                {
                    Stash.Stash();
                }
                catch (StashOverflowException e)
                {
                    target.Tell(e, Self);
                }
            });
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => Receive<int>(i => target.Tell(i, Self)));
                Stash.UnstashAll();
            });
            Receive<string>(s => s == "one", _ =>
            {
                BecomeStacked(() => Receive<int>(i =>
                {
                    target.Tell($"stashed:{i}", Self);
                    Unbecome();
                }));
                Stash.Unstash();
            });
            Receive<Exception>(e => throw e);
        }

        public IStash Stash { get; set; } = null!;
    }
}
