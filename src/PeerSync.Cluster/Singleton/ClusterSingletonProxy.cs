using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Singleton;

/// <summary>
/// Delivers messages to a cluster singleton wherever it runs (docs/design/cluster-host.md). It
/// follows the leader through the cluster's events; for each new leader it asks that node's
/// singleton manager where the singleton is (retrying every <see cref="IdentifyInterval"/> until it
/// runs), then sends to it directly, keeping the original sender. While no singleton is located
/// (during a handover, a failover, before the first election) messages wait in a bounded buffer, in
/// order; when the buffer is full new messages become dead letters with the reason, counted
/// (<see cref="SingletonProxyStats.Dropped"/>) and logged. Messages already sent to a singleton that
/// stops meanwhile are lost with it, as with any actor that stops.
/// </summary>
public sealed class ClusterSingletonProxy : ActorBase
{
    /// <summary>How often a proxy asks the leader again while its singleton is not running yet.</summary>
    public static readonly TimeSpan IdentifyInterval = TimeSpan.FromMilliseconds(100);

    private const string IdentifyTimer = "identify";

    private readonly string _name;
    private readonly int _bufferSize;
    private readonly Queue<(object Message, IActorRef Sender)> _buffer = new();
    private Host.Cluster _cluster = null!;
    private UniqueNode? _leader;
    private Epoch _epoch;
    private IActorRef? _singleton;
    private long _dropped;
    private bool _warned;
    private string? _closedReason;

    public ClusterSingletonProxy(string name, int bufferSize)
    {
        _name = name;
        _bufferSize = bufferSize;
    }

    /// <summary>Props of a proxy to the singleton registered as <paramref name="name"/>, buffering at most <paramref name="bufferSize"/> messages.</summary>
    public static Props Props(string name, int bufferSize = 1000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 0);
        return Actors.Props.Create(() => new ClusterSingletonProxy(name, bufferSize));
    }

    protected override void PreStart()
    {
        _cluster = Context.System.Cluster();
        if (_cluster.Settings.Config.ElectionMode != ElectionMode.Leader)
        {
            _closedReason = "the cluster is leaderless: there is no singleton";
            return;
        }

        _cluster.Subscribe(Self, InitialStateMode.AsSnapshot, typeof(ClusterEvent.LeaderChanged), typeof(ClusterPartStopped));
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case ClusterStateSnapshot snapshot:
                FollowLeader(snapshot.Leader, snapshot.LeaderEpoch);
                return true;
            case ClusterEvent.LeaderChanged changed:
                FollowLeader(changed.Leader, changed.Epoch);
                return true;
            case ClusterPartStopped stopped:
                Close($"the cluster part of this node stopped: {stopped.Reason}");
                return true;
            case SingletonIdentityProto identity when identity.Name == _name:
                OnIdentity(identity);
                return true;
            case IdentifyTick:
                Identify();
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_singleton):
                _singleton = null;
                Identify();
                return true;
            case GetSingletonProxyStats:
                Sender.Tell(new SingletonProxyStats(_name, _leader, _singleton is not null, _buffer.Count, _dropped), Self);
                return true;
            default:
                Deliver(message, Sender);
                return true;
        }
    }

    private void FollowLeader(UniqueNode? leader, Epoch epoch)
    {
        if (leader == _leader && epoch == _epoch)
        {
            return;
        }

        _leader = leader;
        _epoch = epoch;
        if (_singleton is not null)
        {
            Context.Unwatch(_singleton);
            _singleton = null;
        }

        Identify();
    }

    private void Identify()
    {
        if (_singleton is not null || _leader is not { } leader || _closedReason is not null)
        {
            Timers.Cancel(IdentifyTimer);
            return;
        }

        if (_cluster.State.MemberOf(leader) is { } member)
        {
            _cluster.SingletonManagerOn(leader, member.Address).Tell(new SingletonIdentifyProto { Name = _name }, Self);
        }

        Timers.StartSingleTimer(IdentifyTimer, IdentifyTick.Instance, IdentifyInterval);
    }

    private void OnIdentity(SingletonIdentityProto identity)
    {
        // Only the singleton of the leader this proxy follows counts: a late answer from a former
        // leader would point at a singleton that is stopping.
        if (!identity.Found || identity.Epoch != _epoch.Value || _leader is not { } leader || _singleton is not null)
        {
            return;
        }

        _singleton = Sender;
        Context.Watch(_singleton);
        Timers.Cancel(IdentifyTimer);
        ClusterHostLog.ProxyLocated(Log, _name, leader, _epoch.Value, _buffer.Count);
        while (_buffer.TryDequeue(out var held))
        {
            _singleton.Tell(held.Message, held.Sender);
        }

        _warned = false;
    }

    private void Deliver(object message, IActorRef sender)
    {
        if (_singleton is { } singleton)
        {
            singleton.Tell(message, sender);
            return;
        }

        if (_closedReason is not null)
        {
            Drop(message, sender, _closedReason);
            return;
        }

        if (_buffer.Count >= _bufferSize)
        {
            if (!_warned)
            {
                _warned = true;
                ClusterHostLog.ProxyBufferFull(Log, _name, _buffer.Count);
            }

            Drop(message, sender, $"singleton proxy buffer full ({_bufferSize} messages) while singleton '{_name}' has no known location");
            return;
        }

        _buffer.Enqueue((message, sender));
    }

    private void Close(string reason)
    {
        _closedReason = reason;
        _leader = null;
        Timers.Cancel(IdentifyTimer);
        while (_buffer.TryDequeue(out var held))
        {
            Drop(held.Message, held.Sender, reason);
        }
    }

    private void Drop(object message, IActorRef sender, string reason)
    {
        _dropped++;
        Context.System.DeadLetter(message, sender, Self, reason);
    }

    private sealed record IdentifyTick
    {
        public static readonly IdentifyTick Instance = new();
    }
}
