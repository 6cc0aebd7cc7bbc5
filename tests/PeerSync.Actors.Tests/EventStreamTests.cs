using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class EventStreamTests(ITestOutputHelper output) : TestKitBase(output)
{
    private abstract record Animal;

    private sealed record Dog(string Name) : Animal;

    private sealed record Cat(string Name) : Animal;

    [Fact]
    public void Subscribers_receive_events_of_their_type_and_subtypes()
    {
        var animals = CreateTestProbe();
        var dogs = CreateTestProbe();
        Sys.EventStream.Subscribe<Animal>(animals.Ref);
        Sys.EventStream.Subscribe<Dog>(dogs.Ref);
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        animals.ExpectMsg(new Dog("rex"));
        animals.ExpectMsg(new Cat("tom"));
        dogs.ExpectMsg(new Dog("rex"));
        dogs.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Unsubscribe_stops_delivery()
    {
        Sys.EventStream.Subscribe<Dog>(TestActor);
        Assert.True(Sys.EventStream.Unsubscribe(TestActor, typeof(Dog)));
        Sys.EventStream.Publish(new Dog("rex"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Subscriptions_end_when_the_subscriber_stops()
    {
        var subscriber = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)));
        Sys.EventStream.Subscribe<Dog>(subscriber);
        Sys.EventStream.Publish(new Dog("before"));
        ExpectMsg(new Dog("before"));
        Watch(subscriber);
        Sys.Stop(subscriber);
        ExpectTerminated(subscriber);

        // Had the subscription survived, this would be a dead letter to the stopped subscriber.
        var deadBefore = Sys.DeadLetterCount;
        Sys.EventStream.Publish(new Dog("after"));
        Assert.Equal(deadBefore, Sys.DeadLetterCount);
    }

    [Fact]
    public void Callback_subscriptions_run_until_disposed()
    {
        var seen = new List<string>();
        var subscription = Sys.EventStream.Subscribe<Dog>(d => seen.Add(d.Name));
        Sys.EventStream.Publish(new Dog("a"));
        subscription.Dispose();
        Sys.EventStream.Publish(new Dog("b"));
        Assert.Equal(["a"], seen);
    }

    [Fact]
    public void Dead_letters_are_published_and_counted()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var before = Sys.DeadLetterCount;
        Sys.DeadLetters.Tell("lost", null);
        var letter = ExpectMsg<DeadLetter>();
        Assert.Equal("lost", letter.Message);
        Assert.Equal(before + 1, Sys.DeadLetterCount);
    }

    [Fact]
    public void Unhandled_messages_are_published()
    {
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(null)));
        actor.Tell(42, null);
        var unhandled = ExpectMsg<UnhandledMessage>();
        Assert.Equal(42, unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
    }

    [Fact]
    public void Dead_letter_logging_pauses_after_the_limit_but_counting_goes_on()
    {
        var before = Logs.Entries.Count(e => e.Message.StartsWith("Dead letter Int32", StringComparison.Ordinal));
        for (var i = 0; i < 50; i++)
        {
            Sys.DeadLetters.Tell(i, null);
        }

        var logged = Logs.Entries.Count(e => e.Message.StartsWith("Dead letter Int32", StringComparison.Ordinal)) - before;
        Assert.True(logged <= Sys.Settings.LogDeadLetters, $"logged {logged} dead letters");
        Assert.Contains(Logs.Entries, e => e.Message.Contains("Dead letter logging paused", StringComparison.Ordinal));
        Assert.True(Sys.DeadLetterCount >= 50);
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef? target) => Receive<Dog>(d => target?.Tell(d, Self));
    }
}
