using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Host.Support;

/// <summary>
/// Carries cluster messages between actor systems in one process (on one deterministic scheduler):
/// each delivery goes through the real wire serializer and is told to `/system/cluster` of the
/// system registered at the address. Blocked pairs lose their messages, as a partition would.
/// Records what the hosts asked of the links (connects, removals).
/// </summary>
internal sealed class TestClusterNetwork
{
    private static readonly ClusterDeliverySerializer Serializer = new();
    private readonly Dictionary<EndpointAddress, ActorSystem> _systems = [];
    private readonly HashSet<(EndpointAddress From, EndpointAddress To)> _blocked = [];

    public List<(EndpointAddress From, EndpointAddress Address)> Connects { get; } = [];

    public List<(EndpointAddress From, UniqueNode Node)> Removed { get; } = [];

    /// <summary>Messages lost to blocked pairs and absent systems.</summary>
    public int Lost { get; private set; }

    /// <summary>When set, every send fails with it (to test the host's handling of its own failures).</summary>
    public Exception? FailSends { get; set; }

    public void Register(EndpointAddress address, ActorSystem system) => _systems[address] = system;

    public void Unregister(EndpointAddress address) => _systems.Remove(address);

    public void Partition(IEnumerable<EndpointAddress> sideA, IEnumerable<EndpointAddress> sideB)
    {
        var b = sideB.ToList();
        foreach (var x in sideA)
        {
            foreach (var y in b)
            {
                _blocked.Add((x, y));
                _blocked.Add((y, x));
            }
        }
    }

    public void HealAll() => _blocked.Clear();

    public IClusterNetwork For(EndpointAddress self) => new Endpoint(this, self);

    private IActorRef? Resolve(EndpointAddress address, string path) =>
        _systems.TryGetValue(address, out var system) && !system.IsTerminated
            ? system.ResolveActorRef(ActorPath.Parse(system.Address + path))
            : null;

    private sealed class Endpoint(TestClusterNetwork network, EndpointAddress self) : IClusterNetwork
    {
        public void Send(EndpointAddress to, ClusterDelivery delivery, IActorRef sender)
        {
            if (network.FailSends is { } failure)
            {
                throw failure;
            }

            var target = network._blocked.Contains((self, to)) ? null : network.Resolve(to, Cluster.Host.Cluster.ActorPath);
            if (target is null)
            {
                network.Lost++;
                return;
            }

            var copy = Serializer.FromBinary(Serializer.ToBinary(delivery), ClusterDeliverySerializer.Manifest);
            target.Tell(copy, sender);
        }

        public void Connect(EndpointAddress address) => network.Connects.Add((self, address));

        public void NodeRemoved(UniqueNode node) => network.Removed.Add((self, node));

        public IActorRef Resolve(EndpointAddress address, string path) =>
            (network._blocked.Contains((self, address)) ? null : network.Resolve(address, path))
            ?? network._systems[self].DeadLetters;
    }
}
