using PeerSync.Actors;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Hosting.Node;
using PeerSync.Remote.Addressing;
using Xunit.Sdk;

namespace PeerSync.TestKit.MultiNode;

/// <summary>One cluster event as a node published it, with the harness time it was seen.</summary>
public sealed record ObservedEvent(TimeSpan At, NodeId Node, UniqueNode Observer, object Event);

/// <summary>The timeline of every node's cluster events, and the leader claims they imply.</summary>
public sealed partial class MultiNodeCluster
{
    private readonly object _timelineGate = new();
    private readonly List<ObservedEvent> _timeline = [];
    private readonly Dictionary<Epoch, HashSet<UniqueNode>> _leaderClaims = [];

    /// <summary>Every cluster event (and <see cref="ClusterPartStopped"/>) any run of any node published, in the order seen.</summary>
    public IReadOnlyList<ObservedEvent> Timeline
    {
        get
        {
            lock (_timelineGate)
            {
                return [.. _timeline];
            }
        }
    }

    /// <summary>
    /// Per epoch, the nodes that believed themselves its leader (a LeaderChanged naming themselves,
    /// published only while they act). More than one in any epoch breaks the election's safety.
    /// </summary>
    public IReadOnlyDictionary<Epoch, IReadOnlySet<UniqueNode>> LeaderClaims
    {
        get
        {
            lock (_timelineGate)
            {
                return _leaderClaims.ToDictionary(c => c.Key, c => (IReadOnlySet<UniqueNode>)c.Value.ToHashSet());
            }
        }
    }

    /// <summary>Fails if two incarnations ever believed they led the same epoch.</summary>
    public void AssertAtMostOneLeaderPerEpoch()
    {
        var doubled = LeaderClaims.Where(c => c.Value.Count > 1).ToList();
        if (doubled.Count > 0)
        {
            throw new XunitException("two leaders in one epoch: " + string.Join("; ", doubled.Select(c => $"epoch {c.Key}: {string.Join(", ", c.Value)}")));
        }
    }

    /// <summary>The first event after <paramref name="since"/> that <paramref name="match"/> accepts, seen by <paramref name="observer"/> (any node when null).</summary>
    public ObservedEvent? FirstEvent(Func<object, bool> match, TimeSpan since, MultiNodeNode? observer = null) =>
        Timeline.FirstOrDefault(e => e.At >= since && (observer is null || e.Node == observer.Id) && match(e.Event));

    /// <summary>
    /// A probe on <paramref name="node"/>'s event stream receiving every <see cref="ClusterEvent"/>
    /// and <see cref="ClusterPartStopped"/> it publishes from now on.
    /// </summary>
    public TestProbe EventStreamProbe(MultiNodeNode node, string? name = null)
    {
        var probe = new TestProbe(node.System, KitSettings, name);
        node.System.EventStream.Subscribe<ClusterEvent>(probe.Ref);
        node.System.EventStream.Subscribe<ClusterPartStopped>(probe.Ref);
        return probe;
    }

    private void Observe(MultiNodeNode node, PeerSyncNode run)
    {
        var self = run.SelfNode;
        run.System.EventStream.Subscribe<ClusterEvent>(e => Record(node, self, e));
        run.System.EventStream.Subscribe<ClusterPartStopped>(e => Record(node, self, e));
    }

    private void Record(MultiNodeNode node, UniqueNode self, object e)
    {
        lock (_timelineGate)
        {
            _timeline.Add(new ObservedEvent(Elapsed, node.Id, self, e));
            if (e is ClusterEvent.LeaderChanged { Leader: { } leader } changed && leader == self)
            {
                if (!_leaderClaims.TryGetValue(changed.Epoch, out var claims))
                {
                    _leaderClaims[changed.Epoch] = claims = [];
                }

                claims.Add(self);
            }
        }

        switch (e)
        {
            case ClusterEvent.LeaderChanged c:
                Note($"{node.Id} sees leader {c.Leader?.ToString() ?? "none"} (epoch {c.Epoch})");
                break;
            case ClusterPartStopped s:
                Note($"{node.Id} cluster part stopped: {s.Reason}");
                break;
        }
    }
}
