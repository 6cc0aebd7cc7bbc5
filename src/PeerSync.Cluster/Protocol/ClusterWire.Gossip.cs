using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol.Wire;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Protocol;

/// <summary>Conversions of the gossip state and its parts.</summary>
public static partial class ClusterWire
{
    public static GossipProto ToProto(Gossip gossip)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var proto = new GossipProto
        {
            Election = new ElectionRecordProto
            {
                MaxEpoch = gossip.Election.MaxEpoch.Value,
                LeaderEpoch = gossip.Election.LeaderEpoch.Value,
                Leader = gossip.Election.Leader is { } leader ? ToProto(leader) : null,
            },
        };
        proto.Members.AddRange(gossip.Members.Values.Select(ToProto));
        foreach (var (observer, row) in gossip.Reachability.Rows)
        {
            var rowProto = new ObserverRowProto { Observer = ToProto(observer), Version = row.Version };
            rowProto.Unreachable.AddRange(row.Unreachable.Select(ToProto));
            proto.Reachability.Add(rowProto);
        }

        proto.Tombstones.AddRange(gossip.Tombstones.Select(kv => new TombstoneProto { Node = ToProto(kv.Key), RemovedAtMs = kv.Value }));
        proto.Seen.AddRange(gossip.Seen.Select(ToProto));
        return proto;
    }

    public static bool TryGossip(GossipProto? proto, string field, [NotNullWhen(true)] out Gossip? gossip, [NotNullWhen(false)] out string? error)
    {
        gossip = null;
        if (proto is null)
        {
            error = $"{field} is missing";
            return false;
        }

        var members = Gossip.Empty.Members;
        for (var i = 0; i < proto.Members.Count; i++)
        {
            if (!TryMember(proto.Members[i], $"{field}.members[{i}]", out var member, out error))
            {
                return false;
            }

            if (members.ContainsKey(member.Node))
            {
                error = $"{field}.members lists {member.Node} twice";
                return false;
            }

            members = members.Add(member.Node, member);
        }

        var rows = ReachabilityTable.Empty.Rows;
        for (var i = 0; i < proto.Reachability.Count; i++)
        {
            var row = proto.Reachability[i];
            if (!TryNode(row.Observer, $"{field}.reachability[{i}].observer", out var observer, out error)
                || !TryNodes(row.Unreachable, $"{field}.reachability[{i}].unreachable", out var unreachable, out error))
            {
                return false;
            }

            if (row.Version < 0 || rows.ContainsKey(observer))
            {
                error = $"{field}.reachability[{i}] has version {row.Version} or repeats observer {observer}";
                return false;
            }

            rows = rows.Add(observer, new ObserverRow(row.Version, unreachable));
        }

        var tombstones = Gossip.Empty.Tombstones;
        for (var i = 0; i < proto.Tombstones.Count; i++)
        {
            if (!TryNode(proto.Tombstones[i].Node, $"{field}.tombstones[{i}].node", out var node, out error))
            {
                return false;
            }

            tombstones = tombstones.SetItem(node, proto.Tombstones[i].RemovedAtMs);
        }

        var election = proto.Election ?? new ElectionRecordProto();
        UniqueNode? leader = null;
        if (election.Leader is not null)
        {
            if (!TryNode(election.Leader, $"{field}.election.leader", out var l, out error))
            {
                return false;
            }

            leader = l;
        }

        if (election.MaxEpoch < 0 || election.LeaderEpoch < 0 || (leader is null) != (election.LeaderEpoch == 0))
        {
            error = $"{field}.election is inconsistent (max epoch {election.MaxEpoch}, leader epoch {election.LeaderEpoch}, leader {(leader is null ? "none" : leader.ToString())})";
            return false;
        }

        if (!TryNodes(proto.Seen, $"{field}.seen", out var seen, out error))
        {
            return false;
        }

        var record = new ElectionRecord(new Epoch(election.MaxEpoch), new Epoch(election.LeaderEpoch), leader);
        gossip = Gossip.Normalize(new Gossip(members, new ReachabilityTable(rows), tombstones, record, seen));
        error = null;
        return true;
    }

    public static MemberProto ToProto(Member member)
    {
        var proto = new MemberProto
        {
            Node = ToProto(member.Node),
            Address = ToProto(member.Address),
            Status = ToProto(member.Status),
            StartupTimeMs = member.StartupTimeMs,
            UpNumber = member.UpNumber,
        };
        proto.Roles.AddRange(member.Roles);
        return proto;
    }

    public static bool TryMember(MemberProto? proto, string field, [NotNullWhen(true)] out Member? member, [NotNullWhen(false)] out string? error)
    {
        member = null;
        if (proto is null)
        {
            error = $"{field} is missing";
            return false;
        }

        if (!TryNode(proto.Node, field + ".node", out var node, out error)
            || !TryAddress(proto.Address, field + ".address", out var address, out error)
            || !TryStatus(proto.Status, field + ".status", out var status, out error))
        {
            return false;
        }

        if (proto.Roles.Any(string.IsNullOrWhiteSpace) || proto.UpNumber < 0)
        {
            error = $"{field} has a blank role or a negative up number";
            return false;
        }

        member = new Member(node, address, status, proto.Roles.ToImmutableSortedSet(StringComparer.Ordinal), proto.StartupTimeMs, proto.UpNumber);
        return true;
    }

    public static UniqueNodeProto ToProto(UniqueNode node) => new() { Id = node.Id.Value, Incarnation = node.Incarnation.Value };

    public static EndpointProto ToProto(EndpointAddress address) => new() { Host = address.Host, Port = address.Port };

    public static MemberStatusProto ToProto(MemberStatus status) => (MemberStatusProto)(int)status;

    private static bool TryNode(UniqueNodeProto? proto, string field, out UniqueNode node, [NotNullWhen(false)] out string? error)
    {
        node = default;
        if (proto is null)
        {
            error = $"{field} is missing";
            return false;
        }

        if (!NodeId.TryParse(proto.Id, out var id, out var idError))
        {
            error = $"{field}.id: {idError}";
            return false;
        }

        if (proto.Incarnation == 0)
        {
            error = $"{field}.incarnation is 0; incarnations are never zero";
            return false;
        }

        node = new UniqueNode(id, new Incarnation(proto.Incarnation));
        error = null;
        return true;
    }

    private static bool TryNodes(IEnumerable<UniqueNodeProto> protos, string field, out ImmutableSortedSet<UniqueNode> nodes, [NotNullWhen(false)] out string? error)
    {
        var builder = UniqueNodeOrder.EmptySet.ToBuilder();
        var i = 0;
        foreach (var proto in protos)
        {
            if (!TryNode(proto, $"{field}[{i++}]", out var node, out error))
            {
                nodes = UniqueNodeOrder.EmptySet;
                return false;
            }

            builder.Add(node);
        }

        nodes = builder.ToImmutable();
        error = null;
        return true;
    }

    private static bool TryAddress(EndpointProto? proto, string field, out EndpointAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (proto is null)
        {
            error = $"{field} is missing";
            return false;
        }

        if (string.IsNullOrWhiteSpace(proto.Host) || proto.Port is < 1 or > 65535)
        {
            error = $"{field} is '{proto.Host}:{proto.Port}'; an address needs a host and a port from 1 to 65535";
            return false;
        }

        address = new EndpointAddress(proto.Host, proto.Port);
        error = null;
        return true;
    }

    private static bool TryStatus(MemberStatusProto proto, string field, out MemberStatus status, [NotNullWhen(false)] out string? error)
    {
        status = (MemberStatus)(int)proto;
        if (!Enum.IsDefined(status))
        {
            error = $"{field} is {(int)proto}, which is not a member status";
            return false;
        }

        error = null;
        return true;
    }
}
