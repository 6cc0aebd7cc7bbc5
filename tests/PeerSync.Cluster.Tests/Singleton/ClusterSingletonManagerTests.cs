using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Singleton;
using PeerSync.Remote.Addressing;
using PeerSync.TestKit;
using Xunit.Abstractions;

namespace PeerSync.Cluster.Tests.Singleton;

/// <summary>The singleton manager alone, under a parent that relays what it says to the test.</summary>
public sealed class ClusterSingletonManagerTests(ITestOutputHelper output) : TestKitBase(output, deterministic: true)
{
    private static readonly ClusterSelf Me = new(new UniqueNode(NodeId.Parse("n1"), new Incarnation(1)), new EndpointAddress("10.0.0.1", 4053), ["hub"], 0);

    [Fact]
    public void Manager_runs_registered_singletons_and_reports_stopped_only_after_they_terminated()
    {
        var manager = StartManager(role: null);
        var journal = CreateTestProbe("journal");
        manager.Tell(new PeerSync.Cluster.Host.RegisterSingleton("seq", Props.Create(() => new JournalSingleton(journal.Ref))), null);

        manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(7)), null);
        Assert.Equal("started", journal.ExpectMsg<string>());
        Assert.Equal("/system/parent/singleton/seq", journal.LastSender!.Path.ToStringWithoutAddress());

        manager.Tell(new PeerSync.Cluster.Host.StopSingletons(new Epoch(7), "leaving"), null);
        Assert.Equal("stopped", journal.ExpectMsg<string>());
        Assert.Equal(new PeerSync.Cluster.Host.SingletonsStopped(new Epoch(7)), ExpectMsg<PeerSync.Cluster.Host.SingletonsStopped>());
    }

    [Fact]
    public void Manager_answers_stopped_at_once_when_nothing_runs()
    {
        var manager = StartManager(role: null);

        manager.Tell(new PeerSync.Cluster.Host.StopSingletons(new Epoch(3), "stepping down"), null);

        Assert.Equal(new PeerSync.Cluster.Host.SingletonsStopped(new Epoch(3)), ExpectMsg<PeerSync.Cluster.Host.SingletonsStopped>());
    }

    [Fact]
    public void A_run_that_arrives_while_singletons_stop_waits_until_they_are_gone()
    {
        var manager = StartManager(role: null);
        var journal = CreateTestProbe("journal");
        manager.Tell(new PeerSync.Cluster.Host.RegisterSingleton("seq", Props.Create(() => new JournalSingleton(journal.Ref))), null);
        manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(1)), null);
        journal.ExpectMsg("started");

        manager.Tell(new PeerSync.Cluster.Host.StopSingletons(new Epoch(1), "lease lapsed"), null);
        manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(2)), null);

        journal.ExpectMsg("stopped");
        ExpectMsg<PeerSync.Cluster.Host.SingletonsStopped>();
        journal.ExpectMsg("started");
    }

    [Fact]
    public void A_singleton_registered_while_this_node_leads_starts_at_once()
    {
        var manager = StartManager(role: null);
        var journal = CreateTestProbe("journal");
        manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(5)), null);

        manager.Tell(new PeerSync.Cluster.Host.RegisterSingleton("late", Props.Create(() => new JournalSingleton(journal.Ref))), null);

        journal.ExpectMsg("started");
    }

    [Fact]
    public void Identify_names_the_running_singleton_as_sender_and_says_not_found_otherwise()
    {
        var manager = StartManager(role: null);
        var journal = CreateTestProbe("journal");
        manager.Tell(new PeerSync.Cluster.Host.RegisterSingleton("seq", Props.Create(() => new JournalSingleton(journal.Ref))), null);

        manager.Tell(new SingletonIdentifyProto { Name = "seq" }, TestActor);
        Assert.False(ExpectMsg<SingletonIdentityProto>().Found);

        manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(4)), null);
        journal.ExpectMsg("started");
        var singleton = journal.LastSender!;
        manager.Tell(new SingletonIdentifyProto { Name = "seq" }, TestActor);
        var found = ExpectMsg<SingletonIdentityProto>();
        Assert.True(found.Found);
        Assert.Equal(4, found.Epoch);
        Assert.Equal(singleton, Probe.LastSender);

        manager.Tell(new SingletonIdentifyProto { Name = "other" }, TestActor);
        Assert.False(ExpectMsg<SingletonIdentityProto>().Found);
    }

    [Fact]
    public void A_node_without_the_leader_role_starts_no_singleton_and_logs_why()
    {
        var manager = StartManager(role: "sequencer");
        var journal = CreateTestProbe("journal");
        manager.Tell(new PeerSync.Cluster.Host.RegisterSingleton("seq", Props.Create(() => new JournalSingleton(journal.Ref))), null);

        LogFilter(LogLevel.Error, "lacks the role sequencer").ExpectOne(() => manager.Tell(new PeerSync.Cluster.Host.RunSingletons(new Epoch(1)), null));

        journal.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    private IActorRef StartManager(string? role)
    {
        var probe = TestActor;
        var parent = Sys.SystemActorOf(Props.Create(() => new Parent(probe, role)), "parent");
        Scheduler!.RunUntilIdle();
        return parent;
    }

    /// <summary>Creates the manager as its child, passes the test's messages down and the manager's answers to the probe.</summary>
    private sealed class Parent : ActorBase
    {
        private readonly IActorRef _probe;
        private readonly IActorRef _manager;

        public Parent(IActorRef probe, string? role)
        {
            _probe = probe;
            _manager = Context.ActorOf(Props.Create(() => new ClusterSingletonManager(Me, role)), "singleton");
        }

        protected override bool Receive(object message)
        {
            if (Sender.Equals(_manager))
            {
                _probe.Tell(message, Self);
            }
            else
            {
                _manager.Forward(message);
            }

            return true;
        }
    }

    private sealed class JournalSingleton(IActorRef journal) : ActorBase
    {
        protected override void PreStart() => journal.Tell("started", Self);

        protected override void PostStop() => journal.Tell("stopped", Self);

        protected override bool Receive(object message) => false;
    }
}
