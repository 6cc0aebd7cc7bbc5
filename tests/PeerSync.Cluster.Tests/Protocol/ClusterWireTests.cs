using Google.Protobuf;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Cluster.Protocol.Wire;
using PeerSync.Remote.Addressing;
using static PeerSync.Cluster.Tests.TestNodes;

namespace PeerSync.Cluster.Tests.Protocol;

public sealed class ClusterWireTests
{
    private static readonly EndpointAddress From = new("10.0.0.1", 4053);

    public static TheoryData<string> MessageNames => new() { "InitJoin", "InitJoinAck", "InitJoinNack", "Join", "Welcome", "JoinRefused", "Gossip", "GossipStatus", "Heartbeat", "HeartbeatAck", "VoteRequest", "VoteResponse", "HandOver", "Excluded" };

    private static Gossip SampleGossip()
    {
        var gossip = GossipOf(Member("n1", startupMs: 5, roles: "hub"), Member("n2", MemberStatus.Leaving), Member("n3", MemberStatus.Joining)).WithUnreachable("n1", "n3");
        return new Gossip(gossip.Members, gossip.Reachability, gossip.Tombstones.Add(Node("n9"), 77), new ElectionRecord(new Epoch(9), new Epoch(8), Node("n1")), gossip.Seen);
    }

    private static ClusterMessage Sample(string name) => name switch
    {
        "InitJoin" => new InitJoin(),
        "InitJoinAck" => new InitJoinAck(),
        "InitJoinNack" => new InitJoinNack(),
        "Join" => new Join(Member("n4", MemberStatus.Joining, startupMs: 12, roles: "hub")),
        "Welcome" => new Welcome(SampleGossip()),
        "JoinRefused" => new JoinRefused("busy"),
        "Gossip" => new GossipMessage(SampleGossip()),
        "GossipStatus" => new GossipStatus(0xDEADBEEF, UniqueNodeOrder.EmptySet.Add(Node("n1")).Add(Node("n2"))),
        "Heartbeat" => new Heartbeat(3, 1_000, new Epoch(4), new Epoch(2)),
        "HeartbeatAck" => new HeartbeatAck(3, 1_000, new Epoch(4), true, new Epoch(5)),
        "VoteRequest" => new VoteRequest(new Epoch(6), 2_000, 0x1234, new Epoch(5), true),
        "VoteResponse" => new VoteResponse(new Epoch(6), 2_000, false, new Epoch(7), "already promised epoch 7", 300),
        "HandOver" => new HandOver(new Epoch(6), Node("n2")),
        "Excluded" => new Excluded(MemberStatus.Down, "downed"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Every_message_round_trips_through_protobuf(string name)
    {
        var envelope = new ClusterEnvelope(Node("n1"), From, Sample(name));
        Assert.True(ClusterWire.TryDecode(ClusterWire.Encode(envelope), out var decoded, out var error), error);
        Assert.Equal(envelope.From, decoded.From);
        Assert.Equal(envelope.FromAddress, decoded.FromAddress);
        switch (envelope.Message)
        {
            case GossipMessage g:
                Assert.True(g.Gossip.ContentEquals(((GossipMessage)decoded.Message).Gossip));
                Assert.Equal(g.Gossip.Seen.ToArray(), ((GossipMessage)decoded.Message).Gossip.Seen.ToArray());
                break;
            case Welcome w:
                Assert.True(w.Gossip.ContentEquals(((Welcome)decoded.Message).Gossip));
                break;
            case Join j:
                Assert.Equal(j.Member, ((Join)decoded.Message).Member);
                break;
            case GossipStatus s:
                Assert.Equal(s.Digest, ((GossipStatus)decoded.Message).Digest);
                Assert.Equal(s.Seen.ToArray(), ((GossipStatus)decoded.Message).Seen.ToArray());
                break;
            default:
                Assert.Equal(envelope.Message, decoded.Message);
                break;
        }
    }

    [Fact]
    public void Garbage_bytes_are_reported_not_thrown()
    {
        Assert.False(ClusterWire.TryDecode(new byte[] { 0xFF, 0xFF, 0xFF }, out _, out var error));
        Assert.Contains("not valid protobuf", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_without_a_body_is_rejected()
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new InitJoin()));
        proto.ClearBody();
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains("no body", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 1, "from.id")]
    [InlineData("bad id!", 1, "from.id")]
    [InlineData("n1", 0, "incarnation is 0")]
    public void Bad_sender_identity_is_rejected_naming_the_field(string id, ulong incarnation, string expected)
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new InitJoin()));
        proto.From = new UniqueNodeProto { Id = id, Incarnation = incarnation };
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_bad_address_is_rejected()
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new InitJoin()));
        proto.FromAddress = new EndpointProto { Host = "h", Port = 70_000 };
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains("from_address", error, StringComparison.Ordinal);
        proto.FromAddress = null;
        Assert.False(ClusterWire.TryFromProto(proto, out _, out error));
        Assert.Contains("from_address is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_member_status_and_duplicate_members_are_rejected()
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new GossipMessage(SampleGossip())));
        proto.Gossip.Gossip.Members[0].Status = (MemberStatusProto)42;
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains("not a member status", error, StringComparison.Ordinal);

        proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new GossipMessage(SampleGossip())));
        proto.Gossip.Gossip.Members.Add(proto.Gossip.Gossip.Members[0].Clone());
        Assert.False(ClusterWire.TryFromProto(proto, out _, out error));
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_or_zero_epochs_where_one_is_required_are_rejected()
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new VoteRequest(new Epoch(1), 0, 0, Epoch.None, false)));
        proto.VoteRequest.Epoch = 0;
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains("vote_request.epoch", error, StringComparison.Ordinal);

        proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new Heartbeat(1, 0, Epoch.None, Epoch.None)));
        proto.Heartbeat.LeaderEpoch = -3;
        Assert.False(ClusterWire.TryFromProto(proto, out _, out error));
        Assert.Contains("never negative", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_election_record_is_rejected()
    {
        var proto = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new GossipMessage(SampleGossip())));
        proto.Gossip.Gossip.Election.Leader = null;
        Assert.False(ClusterWire.TryFromProto(proto, out _, out var error));
        Assert.Contains("election is inconsistent", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gossip_of_five_members_stays_small()
    {
        var members = Enumerable.Range(1, 5).Select(i => Member("n" + i)).ToArray();
        var size = ClusterWire.ToProto(new ClusterEnvelope(Node("n1"), From, new GossipMessage(GossipOf(members)))).CalculateSize();
        Assert.InRange(size, 100, 600);
    }
}
