using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Host.Wire;

namespace PeerSync.Cluster.Singleton;

/// <summary>
/// `/system/cluster/singleton`, on every node in leader mode (docs/design/cluster-host.md). It runs
/// the registered singletons as its children while the cluster machine says this node is the
/// acting leader (<see cref="RunSingletons"/>), stops them when told (<see cref="StopSingletons"/>)
/// and answers <see cref="SingletonsStopped"/> only once every child has terminated, which is what
/// lets the machine hand over without two singletons alive at once. It also tells proxies where
/// a singleton runs (<c>SingletonIdentifyProto</c>; the answer's sender is the singleton).
/// Role filter: with `cluster.election.role` set, only nodes with that role can lead, and a node
/// without it never starts a singleton.
/// </summary>
internal sealed class ClusterSingletonManager : ActorBase
{
    private readonly ClusterSelf _self;
    private readonly string? _role;
    private readonly Dictionary<string, Props> _registered = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _running = [];
    private Epoch? _epoch;

    // Set while a stop waits for children to terminate; answered when the last one has.
    private Epoch? _stopping;

    // A Run that came while the previous singletons were still stopping (they hold the names).
    private Epoch? _pendingRun;

    public ClusterSingletonManager(ClusterSelf self, string? role)
    {
        _self = self;
        _role = role;
    }

    /// <summary>True when this node may run singletons (it has the role, or no role is required).</summary>
    private bool Eligible => _role is null || _self.Roles.Contains(_role, StringComparer.Ordinal);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case RegisterSingleton register:
                _registered[register.Name] = register.Props;
                if (_epoch is { } epoch && _stopping is null)
                {
                    Start(register.Name, register.Props, epoch);
                }

                return true;
            case RunSingletons run:
                OnRun(run.Epoch);
                return true;
            case StopSingletons stop:
                OnStop(stop);
                return true;
            case Terminated terminated when _running.ContainsKey(terminated.ActorRef):
                OnTerminated(terminated.ActorRef);
                return true;
            case SingletonIdentifyProto identify:
                OnIdentify(identify);
                return true;
            default:
                return false;
        }
    }

    private void OnRun(Epoch epoch)
    {
        if (!Eligible)
        {
            ClusterHostLog.SingletonRoleMissing(Log, _self.Node, epoch.Value, _role!);
            return;
        }

        if (_stopping is not null)
        {
            _pendingRun = epoch;
            return;
        }

        _epoch = epoch;
        foreach (var (name, props) in _registered)
        {
            if (!_running.ContainsValue(name))
            {
                Start(name, props, epoch);
            }
        }
    }

    private void Start(string name, Props props, Epoch epoch)
    {
        ClusterHostLog.SingletonStarting(Log, name, _self.Node, epoch.Value);
        var child = Context.ActorOf(props, name);
        Context.Watch(child);
        _running[child] = name;
    }

    private void OnStop(StopSingletons stop)
    {
        _epoch = null;
        _pendingRun = null;
        if (_running.Count == 0)
        {
            Context.Parent.Tell(new SingletonsStopped(stop.Epoch), Self);
            return;
        }

        ClusterHostLog.SingletonsStopping(Log, _self.Node, _running.Count, stop.Reason);
        _stopping = stop.Epoch;
        foreach (var child in _running.Keys)
        {
            Context.Stop(child);
        }
    }

    private void OnTerminated(IActorRef child)
    {
        var name = _running[child];
        _running.Remove(child);
        if (_stopping is { } stopping)
        {
            if (_running.Count == 0)
            {
                _stopping = null;
                ClusterHostLog.SingletonsStopped(Log, _self.Node, stopping.Value);
                Context.Parent.Tell(new SingletonsStopped(stopping), Self);
                if (_pendingRun is { } pending)
                {
                    _pendingRun = null;
                    OnRun(pending);
                }
            }

            return;
        }

        if (_epoch is { } epoch)
        {
            // Stopped on its own (or by its supervisor's decision): the leader keeps leading, but
            // the singleton is not silently restarted behind its back.
            ClusterHostLog.SingletonStoppedItself(Log, name, _self.Node, epoch.Value);
        }
    }

    private void OnIdentify(SingletonIdentifyProto identify)
    {
        if (_epoch is { } epoch && _stopping is null && _running.FirstOrDefault(r => r.Value == identify.Name).Key is { } singleton)
        {
            Sender.Tell(new SingletonIdentityProto { Name = identify.Name, Found = true, Epoch = epoch.Value }, singleton);
            return;
        }

        Sender.Tell(new SingletonIdentityProto { Name = identify.Name, Found = false }, Self);
    }
}
