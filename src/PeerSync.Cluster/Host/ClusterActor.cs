using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Cluster.Singleton;
using PeerSync.Remote.PeerState;

namespace PeerSync.Cluster.Host;

/// <summary>
/// `/system/cluster`: the thin host of one node's <see cref="ClusterMachine"/>
/// (docs/design/cluster-host.md). It turns messages into machine inputs, steps the machine with the
/// system clock's monotonic milliseconds, carries out each ready in order (singleton commands,
/// sends, events with the links that follow them, notices, stop), and sets a timer for
/// <see cref="ClusterMachine.NextWakeMs"/>. No protocol decision is made here. A violated invariant
/// (or any failure of the host itself) is logged as critical and stops the cluster part.
/// </summary>
internal sealed partial class ClusterActor : ActorBase
{
    private const string WakeTimer = "wake";

    private readonly Cluster _cluster;
    private readonly ClusterSelf _self;
    private readonly IClusterNetwork _network;
    private readonly ulong _seed;
    private readonly TimeProvider _time;
    private ClusterConfig _config;
    private ClusterMachine _machine;
    private long _origin;
    private long _scheduledWakeMs = long.MaxValue;
    private IActorRef? _singletons;
    private ClusterPartStopped? _stopped;

    public ClusterActor(Cluster cluster)
    {
        _cluster = cluster;
        _self = cluster.SelfInfo;
        _network = cluster.Network;
        _config = cluster.Settings.Config;
        _seed = cluster.Settings.RandomSeed ?? _self.Node.Incarnation.Value;
        _time = Context.System.TimeProvider;
        _machine = new ClusterMachine(_config, _self, _seed);
    }

    /// <summary>Milliseconds since this actor started, on the system's monotonic clock (the machine needs time that never goes back).</summary>
    private long NowMs => (long)_time.GetElapsedTime(_origin).TotalMilliseconds;

    protected override void PreStart()
    {
        _origin = _time.GetTimestamp();
        if (_config.ElectionMode == ElectionMode.Leader)
        {
            _singletons = Context.ActorOf(Props.Create(() => new ClusterSingletonManager(_self, _config.LeaderRole)), "singleton");
        }

        Context.System.EventStream.Subscribe<QuarantinedByPeer>(Self);
        _cluster.Publish(_machine.CurrentState);
    }

    protected override void PostStop()
    {
        // The system is terminating (or the node was killed): whoever waits for the cluster part
        // learns it is over, even though no protocol decision stopped it.
        if (_stopped is null)
        {
            _cluster.MarkStopped("the actor system terminated");
        }
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case ClusterDelivery delivery:
                OnDelivery(delivery);
                return true;
            case ClusterWake:
                _scheduledWakeMs = long.MaxValue;
                Step(new ClusterInput.Tick());
                return true;
            case JoinCluster join:
                OnJoin(join);
                return true;
            case LeaveCluster leave:
                Step(new ClusterInput.Leave(leave.Node));
                return true;
            case DownMember down:
                Step(new ClusterInput.Down(down.Node));
                return true;
            case SingletonsStopped:
                Step(new ClusterInput.SingletonStopped());
                return true;
            case QuarantinedByPeer quarantined:
                OnQuarantinedByPeer(quarantined);
                return true;
            case RegisterSingleton register:
                _singletons?.Forward(register);
                return true;
            case SubscribeClusterEvents subscribe:
                OnSubscribe(subscribe);
                return true;
            case UnsubscribeClusterEvents unsubscribe:
                RemoveSubscriber(unsubscribe.Subscriber);
                return true;
            case Terminated terminated when _subscribers.ContainsKey(terminated.ActorRef):
                RemoveSubscriber(terminated.ActorRef);
                return true;
            case GetClusterState:
                Sender.Tell(_machine.CurrentState, Self);
                return true;
            default:
                return false;
        }
    }

    private void OnDelivery(ClusterDelivery delivery)
    {
        if (delivery.To is { } to && to != _self.Node)
        {
            // Meant for an earlier run of this node (same address): e.g. an Excluded for the old
            // incarnation must not stop this one.
            ClusterHostLog.DroppedForOtherIncarnation(Log, _self.Node, delivery.Envelope.Message.Kind, delivery.Envelope.From, to);
            return;
        }

        Step(new ClusterInput.MessageReceived(delivery.Envelope));
    }

    private void OnJoin(JoinCluster join)
    {
        if (_machine.Phase == ClusterPhase.Idle && join.Seeds is { } seeds && !seeds.SequenceEqual(_config.SeedNodes))
        {
            // The machine reads its seeds from the config; before the first join it can be rebuilt
            // with others at no cost (it has no state yet).
            _config = _config with { SeedNodes = seeds };
            _machine = new ClusterMachine(_config, _self, _seed);
        }

        if (_machine.Phase == ClusterPhase.Idle)
        {
            foreach (var seed in _config.SeedNodes.Where(s => s != _self.Address))
            {
                _network.Connect(seed);
            }
        }

        Step(new ClusterInput.JoinSeedNodes());
    }

    private void OnQuarantinedByPeer(QuarantinedByPeer quarantined)
    {
        if (_stopped is not null || _machine.Phase == ClusterPhase.Idle)
        {
            return;
        }

        // A peer refuses this incarnation because its cluster removed it: that is the peer telling
        // this node it was excluded, through the link layer instead of a cluster message.
        ClusterHostLog.QuarantinedByPeer(Log, _self.Node, quarantined.Peer, quarantined.Detail);
        var address = _machine.Gossip.MemberOf(quarantined.Peer)?.Address ?? _self.Address;
        var excluded = new Excluded(MemberStatus.Down, $"{quarantined.Peer} quarantined this incarnation: {quarantined.Detail}");
        Step(new ClusterInput.MessageReceived(new ClusterEnvelope(quarantined.Peer, address, excluded)));
    }

    private void Step(ClusterInput input)
    {
        if (_stopped is not null)
        {
            return;
        }

        var now = NowMs;
        try
        {
            _machine.Step(input, now);
            while (_machine.HasReady)
            {
                var ready = _machine.TakeReady();
                CarryOut(ready);
                _machine.Advance(ready);
            }
        }
        catch (ClusterInvariantException e)
        {
            ClusterHostLog.InvariantViolated(Log, e, _self.Node, e.Message);
            StopClusterPart($"a protocol invariant was violated: {e.Message}");
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The host itself failed: a restarted actor would be a fresh machine with the same
            // incarnation, which the cluster must never see. Stop this incarnation's cluster part.
            ClusterHostLog.HostFailed(Log, e, _self.Node, input.GetType().Name);
            StopClusterPart($"the cluster host failed: {e.GetType().Name}: {e.Message}");
            return;
        }

        ScheduleWake(now);
    }

    private void ScheduleWake(long now)
    {
        if (_stopped is not null)
        {
            return;
        }

        var next = _machine.NextWakeMs;
        if (next == long.MaxValue)
        {
            Timers.Cancel(WakeTimer);
            _scheduledWakeMs = long.MaxValue;
            return;
        }

        if (next == _scheduledWakeMs)
        {
            return;
        }

        _scheduledWakeMs = next;
        Timers.StartSingleTimer(WakeTimer, ClusterWake.Instance, TimeSpan.FromMilliseconds(Math.Max(0, next - now)));
    }
}
