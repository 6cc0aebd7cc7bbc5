using PeerSync.Actors;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Actors.Tests;

public sealed class ActorSystemTests(ITestOutputHelper output) : TestKitBase(output)
{
    [Fact]
    public void ActorOf_places_actors_under_user_with_their_names()
    {
        var a = Sys.ActorOf(Props.Create(() => new EchoActor()), "a");
        Assert.Equal("/user/a", a.Path.ToStringWithoutAddress());
        Assert.Equal("peersync://test/user/a", a.Path.ToString());
        var s = Sys.SystemActorOf(Props.Create(() => new EchoActor()), "svc");
        Assert.Equal("/system/svc", s.Path.ToStringWithoutAddress());
    }

    [Fact]
    public void ActorOf_rejects_a_duplicate_or_invalid_name()
    {
        Sys.ActorOf(Props.Create(() => new EchoActor()), "dup");
        var duplicate = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "dup"));
        Assert.Contains("not unique", duplicate.Message, StringComparison.Ordinal);
        var invalid = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "a/b"));
        Assert.Contains("contains '/'", invalid.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "$reserved"));
    }

    [Fact]
    public void Generated_names_are_unique()
    {
        var a = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var b = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.NotEqual(a.Path.Name, b.Path.Name);
        Assert.StartsWith("$", a.Path.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_rejects_an_invalid_system_name()
    {
        var error = Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name"));
        Assert.Contains("bad name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actors_cannot_be_instantiated_with_new()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new EchoActor());
        Assert.Contains("ActorOf with Props", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tell_delivers_with_the_given_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        echo.Tell("hello", TestActor);
        ExpectMsg("hello");
        Assert.Equal(echo, Probe.LastSender);
    }

    [Fact]
    public void Refs_are_equal_by_path_and_uid()
    {
        var a = Sys.ActorOf(Props.Create(() => new EchoActor()), "same");
        Assert.Equal(a, Sys.ResolveLocal(a.Path));
        Watch(a);
        Sys.Stop(a);
        ExpectTerminated(a);
        var b = Sys.ActorOf(Props.Create(() => new EchoActor()), "same");
        Assert.Equal(a.Path, b.Path);
        Assert.NotEqual(a, b);
        Assert.Null(Sys.ResolveLocal(a.Path));
        Assert.Equal(b, Sys.ResolveLocal(b.Path.WithUid(0)));
    }

    [Fact]
    public void Hierarchy_lists_live_actors()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Supervisor(SupervisorStrategy.Default)), "parent");
        parent.Tell((Props.Create(() => new CounterActor(null)), "child"), TestActor);
        ExpectMsg<IActorRef>();
        var tree = Sys.Hierarchy();
        var paths = tree.DescendantsAndSelf().Select(n => n.Path).ToList();
        Assert.Contains("/user/parent/child", paths);
        Assert.Contains("/system", paths);
        Assert.Contains("parent", tree.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_stops_every_actor_and_later_creation_fails()
    {
        var lifecycle = CreateTestProbe();
        var a = Sys.ActorOf(Props.Create(() => new CounterActor(lifecycle.Ref)), "a");
        lifecycle.ExpectMsg("PreStart");
        await Sys.Terminate().WaitAsync(TestKitSettings.Dilated(TimeSpan.FromSeconds(10)));
        Assert.True(Sys.IsTerminated);
        Assert.Throws<InvalidOperationException>(() => Sys.ActorOf(Props.Create(() => new EchoActor())));
        a.Tell("inc", null);
    }

    [Fact]
    public void Extensions_are_created_once_per_system()
    {
        var first = Sys.GetOrAddExtension(_ => new object());
        var second = Sys.GetOrAddExtension(_ => new object());
        Assert.Same(first, second);
        Assert.Same(first, Sys.GetExtension<object>());
    }

    [Fact]
    public void Identify_answers_with_the_actor_ref()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "who");
        echo.Tell(new Identify(42), TestActor);
        var identity = ExpectMsg<ActorIdentity>();
        Assert.Equal(42, identity.MessageId);
        Assert.Equal(echo, identity.Subject);
    }
}
