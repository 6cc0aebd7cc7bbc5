using System.Collections.Immutable;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests;

/// <summary>Small builders for members and gossip states in unit tests.</summary>
internal static class TestNodes
{
    /// <summary>Seeds n1, n2 and n3, at <see cref="AddressOf"/> their ids.</summary>
    public static readonly ClusterConfig ThreeSeeds = ClusterConfig.Default("10.0.0.1:4053", "10.0.0.2:4053", "10.0.0.3:4053");

    public static UniqueNode Node(string id, ulong incarnation = 1) => new(NodeId.Parse(id), new Incarnation(incarnation));

    /// <summary>Node "nK" listens on 10.0.0.K:4053.</summary>
    public static EndpointAddress AddressOf(string id) => new("10.0.0." + id.TrimStart('n'), 4053);

    /// <summary>A cluster message as it arrives from <paramref name="node"/>.</summary>
    public static ClusterEnvelope From(UniqueNode node, ClusterMessage message) => new(node, AddressOf(node.Id.Value), message);

    /// <summary>Takes a machine's output and confirms it was carried out.</summary>
    public static ClusterReady Drain(ClusterMachine machine)
    {
        var ready = machine.TakeReady();
        machine.Advance(ready);
        return ready;
    }

    public static Member Member(string id, MemberStatus status = MemberStatus.Up, long startupMs = 0, ulong incarnation = 1, params string[] roles) =>
        new(Node(id, incarnation), AddressOf(id), status, roles.ToImmutableSortedSet(StringComparer.Ordinal), startupMs, status >= MemberStatus.Up ? 1 : 0);

    /// <summary>Gossip holding <paramref name="members"/>, seen by all of them.</summary>
    public static Gossip GossipOf(params Member[] members)
    {
        var map = PeerSync.Cluster.Membership.Gossip.Empty.Members;
        foreach (var m in members)
        {
            map = map.SetItem(m.Node, m);
        }

        var seen = members.Select(m => m.Node).ToImmutableSortedSet(UniqueNodeOrder.Instance);
        return new Gossip(map, ReachabilityTable.Empty, PeerSync.Cluster.Membership.Gossip.Empty.Tombstones, ElectionRecord.None, seen);
    }

    public static Gossip WithUnreachable(this Gossip gossip, string observer, params string[] subjects)
    {
        var table = gossip.Reachability;
        foreach (var subject in subjects)
        {
            table = table.Mark(gossip.Members.Keys.Single(k => k.Id.Value == observer), gossip.Members.Keys.Single(k => k.Id.Value == subject), unreachable: true);
        }

        return new Gossip(gossip.Members, table, gossip.Tombstones, gossip.Election, gossip.Seen);
    }

    public static MembershipView View(this Gossip gossip, string? role = null) => new(gossip, role);
}
