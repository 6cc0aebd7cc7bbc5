using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol.Wire;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Protocol;

/// <summary>
/// Converts cluster messages to and from cluster.proto. Decoding validates everything a peer could
/// get wrong (missing fields, bad ids, bad addresses, unknown statuses) and returns a clear error
/// instead of throwing: a malformed frame is an expected condition, logged and dropped by the host.
/// </summary>
public static partial class ClusterWire
{
    public static byte[] Encode(ClusterEnvelope envelope) => ToProto(envelope).ToByteArray();

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out ClusterEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        envelope = null;
        ClusterEnvelopeProto proto;
        try
        {
            proto = ClusterEnvelopeProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = "cluster message is not valid protobuf: " + e.Message;
            return false;
        }

        return TryFromProto(proto, out envelope, out error);
    }

    public static ClusterEnvelopeProto ToProto(ClusterEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var proto = new ClusterEnvelopeProto { From = ToProto(envelope.From), FromAddress = ToProto(envelope.FromAddress) };
        switch (envelope.Message)
        {
            case InitJoin:
                proto.InitJoin = new InitJoinProto();
                break;
            case InitJoinAck:
                proto.InitJoinAck = new InitJoinAckProto();
                break;
            case InitJoinNack:
                proto.InitJoinNack = new InitJoinNackProto();
                break;
            case Join join:
                proto.Join = new JoinProto { Member = ToProto(join.Member) };
                break;
            case Welcome welcome:
                proto.Welcome = new WelcomeProto { Gossip = ToProto(welcome.Gossip) };
                break;
            case JoinRefused refused:
                proto.JoinRefused = new JoinRefusedProto { Reason = refused.Reason };
                break;
            case GossipMessage gossip:
                proto.Gossip = new GossipEnvelopeProto { Gossip = ToProto(gossip.Gossip) };
                break;
            case GossipStatus status:
                var statusProto = new GossipStatusProto { Digest = status.Digest };
                statusProto.Seen.AddRange(status.Seen.Select(ToProto));
                proto.GossipStatus = statusProto;
                break;
            case Heartbeat hb:
                proto.Heartbeat = new HeartbeatProto { Sequence = hb.Sequence, SentAtMs = hb.SentAtMs, LeaderEpoch = hb.LeaderEpoch.Value, ResignedEpoch = hb.ResignedEpoch.Value };
                break;
            case HeartbeatAck ack:
                proto.HeartbeatAck = new HeartbeatAckProto
                {
                    Sequence = ack.Sequence, EchoSentAtMs = ack.EchoSentAtMs, LeaderEpoch = ack.LeaderEpoch.Value,
                    LeaseGranted = ack.LeaseGranted, PromisedEpoch = ack.PromisedEpoch.Value,
                };
                break;
            case VoteRequest request:
                proto.VoteRequest = new VoteRequestProto
                {
                    Epoch = request.Epoch.Value, SentAtMs = request.SentAtMs, VotingSetDigest = request.VotingSetDigest,
                    PredecessorEpoch = request.PredecessorEpoch.Value, PredecessorResigned = request.PredecessorResigned,
                };
                break;
            case VoteResponse response:
                proto.VoteResponse = new VoteResponseProto
                {
                    Epoch = response.Epoch.Value, EchoSentAtMs = response.EchoSentAtMs, Granted = response.Granted,
                    PromisedEpoch = response.PromisedEpoch.Value, Refusal = response.Refusal, RetryAfterMs = response.RetryAfterMs,
                };
                break;
            case HandOver handOver:
                proto.HandOver = new HandOverProto { Epoch = handOver.Epoch.Value, Successor = ToProto(handOver.Successor) };
                break;
            case Excluded excluded:
                proto.Excluded = new ExcludedProto { Status = ToProto(excluded.Status), Reason = excluded.Reason };
                break;
            default:
                throw new ArgumentException($"unknown cluster message {envelope.Message.GetType().Name}", nameof(envelope));
        }

        return proto;
    }

    public static bool TryFromProto(ClusterEnvelopeProto proto, [NotNullWhen(true)] out ClusterEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(proto);
        envelope = null;
        if (!TryNode(proto.From, "from", out var from, out error) || !TryAddress(proto.FromAddress, "from_address", out var address, out error))
        {
            return false;
        }

        if (!TryBody(proto, out var message, out error))
        {
            return false;
        }

        envelope = new ClusterEnvelope(from, address, message);
        return true;
    }

    private static bool TryBody(ClusterEnvelopeProto proto, [NotNullWhen(true)] out ClusterMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        error = null;
        switch (proto.BodyCase)
        {
            case ClusterEnvelopeProto.BodyOneofCase.InitJoin:
                message = new InitJoin();
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.InitJoinAck:
                message = new InitJoinAck();
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.InitJoinNack:
                message = new InitJoinNack();
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.Join:
                if (!TryMember(proto.Join.Member, "join.member", out var member, out error))
                {
                    return false;
                }

                message = new Join(member);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.Welcome:
                if (!TryGossip(proto.Welcome.Gossip, "welcome.gossip", out var welcomeGossip, out error))
                {
                    return false;
                }

                message = new Welcome(welcomeGossip);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.JoinRefused:
                message = new JoinRefused(proto.JoinRefused.Reason);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.Gossip:
                if (!TryGossip(proto.Gossip.Gossip, "gossip.gossip", out var gossip, out error))
                {
                    return false;
                }

                message = new GossipMessage(gossip);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.GossipStatus:
                if (!TryNodes(proto.GossipStatus.Seen, "gossip_status.seen", out var seen, out error))
                {
                    return false;
                }

                message = new GossipStatus(proto.GossipStatus.Digest, seen);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.Heartbeat:
                var hb = proto.Heartbeat;
                if (!TryEpochs("heartbeat", out error, hb.LeaderEpoch, hb.ResignedEpoch))
                {
                    return false;
                }

                message = new Heartbeat(hb.Sequence, hb.SentAtMs, new Epoch(hb.LeaderEpoch), new Epoch(hb.ResignedEpoch));
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.HeartbeatAck:
                var ack = proto.HeartbeatAck;
                if (!TryEpochs("heartbeat_ack", out error, ack.LeaderEpoch, ack.PromisedEpoch))
                {
                    return false;
                }

                message = new HeartbeatAck(ack.Sequence, ack.EchoSentAtMs, new Epoch(ack.LeaderEpoch), ack.LeaseGranted, new Epoch(ack.PromisedEpoch));
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.VoteRequest:
                var request = proto.VoteRequest;
                if (!TryEpochs("vote_request", out error, request.Epoch, request.PredecessorEpoch) || !PositiveEpoch(request.Epoch, "vote_request.epoch", out error))
                {
                    return false;
                }

                message = new VoteRequest(new Epoch(request.Epoch), request.SentAtMs, request.VotingSetDigest, new Epoch(request.PredecessorEpoch), request.PredecessorResigned);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.VoteResponse:
                var response = proto.VoteResponse;
                if (!TryEpochs("vote_response", out error, response.Epoch, response.PromisedEpoch) || response.RetryAfterMs < 0)
                {
                    error ??= $"vote_response.retry_after_ms is {response.RetryAfterMs}; it must not be negative";
                    return false;
                }

                message = new VoteResponse(new Epoch(response.Epoch), response.EchoSentAtMs, response.Granted, new Epoch(response.PromisedEpoch), response.Refusal, response.RetryAfterMs);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.HandOver:
                if (!PositiveEpoch(proto.HandOver.Epoch, "hand_over.epoch", out error) || !TryNode(proto.HandOver.Successor, "hand_over.successor", out var successor, out error))
                {
                    return false;
                }

                message = new HandOver(new Epoch(proto.HandOver.Epoch), successor);
                return true;
            case ClusterEnvelopeProto.BodyOneofCase.Excluded:
                if (!TryStatus(proto.Excluded.Status, "excluded.status", out var status, out error))
                {
                    return false;
                }

                message = new Excluded(status, proto.Excluded.Reason);
                return true;
            default:
                error = "cluster message has no body (an unknown or missing message type)";
                return false;
        }
    }

    private static bool TryEpochs(string where, [NotNullWhen(false)] out string? error, params long[] epochs)
    {
        foreach (var epoch in epochs)
        {
            if (epoch < 0)
            {
                error = $"{where} carries epoch {epoch}; epochs are never negative";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool PositiveEpoch(long epoch, string field, [NotNullWhen(false)] out string? error)
    {
        error = epoch > 0 ? null : $"{field} is {epoch}; it must be at least 1";
        return error is null;
    }
}
