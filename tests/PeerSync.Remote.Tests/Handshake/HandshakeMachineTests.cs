using System.Text;
using Google.Protobuf;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Handshake;

public sealed class HandshakeMachineTests
{
    [Fact]
    public void HandshakeMachine_establishes_both_sides_when_everything_matches()
    {
        var a = TestNodes.Config("n1", identity: TestNodes.Identity("n1", 11, 4001, "hub", "eu"));
        var b = TestNodes.Config("n2", identity: TestNodes.Identity("n2", 22, 4002));
        var exchange = new HandshakeExchange(a, b).Run();

        Assert.True(exchange.InitiatorOutcome!.Succeeded, exchange.InitiatorOutcome.ToString());
        Assert.True(exchange.AcceptorOutcome!.Succeeded, exchange.AcceptorOutcome.ToString());
        Assert.Equal(b.Self, exchange.InitiatorOutcome.Peer);
        Assert.Equal(a.Self, exchange.AcceptorOutcome.Peer);
        Assert.Equal(["hub", "eu"], exchange.AcceptorOutcome.Peer!.Roles);
        Assert.Equal(HandshakeState.Established, exchange.Initiator.State);
        Assert.Equal(HandshakeState.Established, exchange.Acceptor.State);
        Assert.Equal(
            ["Hello", "Hello", "Proof", "Proof", "Accepted"],
            exchange.Frames.Select(f => f.Frame.BodyCase.ToString()));
    }

    [Fact]
    public void HandshakeMachine_fails_authentication_when_the_secrets_differ()
    {
        // The initiator checks the acceptor's proof first, so it is the one to reject.
        var exchange = new HandshakeExchange(
            TestNodes.Config("n1"), TestNodes.Config("n2", secret: "a different secret of enough length")).Run();

        Assert.Equal(DisconnectReason.AuthenticationFailed, exchange.InitiatorOutcome!.Reason);
        Assert.False(exchange.InitiatorOutcome.ByPeer);
        Assert.StartsWith("authentication failed: the proof of n2#", exchange.InitiatorOutcome.Detail, StringComparison.Ordinal);
        Assert.Equal(DisconnectReason.AuthenticationFailed, exchange.AcceptorOutcome!.Reason);
        Assert.True(exchange.AcceptorOutcome.ByPeer);
        Assert.StartsWith("rejected by peer: authentication failed", exchange.AcceptorOutcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeMachine_acceptor_fails_authentication_when_the_initiator_proof_is_wrong()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2"));
        exchange.Acceptor.Step(exchange.Initiator.TakeReady().Outbound[0], 1);
        exchange.Acceptor.TakeReady();

        exchange.Acceptor.Step(new Frame { Proof = new HandshakeProof { Mac = ByteString.CopyFrom(new byte[32]) } }, 2);

        var outcome = exchange.Acceptor.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.AuthenticationFailed, outcome.Reason);
        Assert.Contains("do not share peersync.remote.secret", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeMachine_rejects_a_different_cluster_before_authenticating()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1", cluster: "blue"), TestNodes.Config("n2", cluster: "green")).Run();

        Assert.Equal(DisconnectReason.ClusterNameMismatch, exchange.AcceptorOutcome!.Reason);
        Assert.Equal("cluster name mismatch: this node is in cluster 'green', the peer in 'blue'", exchange.AcceptorOutcome.Detail);
        Assert.Equal(DisconnectReason.ClusterNameMismatch, exchange.InitiatorOutcome!.Reason);
        Assert.True(exchange.InitiatorOutcome.ByPeer);
        Assert.DoesNotContain(exchange.Frames, f => f.Frame.BodyCase == Frame.BodyOneofCase.Proof);
    }

    [Fact]
    public void HandshakeMachine_rejects_a_different_protocol_version_first()
    {
        // Version and cluster both differ: the version is named, since it decides how to read the rest.
        var exchange = new HandshakeExchange(
            TestNodes.Config("n1", protocolVersion: 3, cluster: "other"), TestNodes.Config("n2")).Run();

        Assert.Equal(DisconnectReason.ProtocolVersionMismatch, exchange.AcceptorOutcome!.Reason);
        Assert.Equal("protocol version mismatch: this node speaks version 2, the peer version 3", exchange.AcceptorOutcome.Detail);
        Assert.Equal(DisconnectReason.ProtocolVersionMismatch, exchange.InitiatorOutcome!.Reason);
    }

    [Fact]
    public void HandshakeMachine_initiator_rejects_an_acceptor_of_another_version()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2", protocolVersion: 1));
        var hello = new Frame { Hello = exchange.Initiator.TakeReady().Outbound[0].Hello.Clone() };
        hello.Hello.ProtocolVersion = 9;
        hello.Hello.NodeId = "n2";

        exchange.Initiator.Step(hello, 1);

        Assert.Equal(DisconnectReason.ProtocolVersionMismatch, exchange.Initiator.TakeReady().Outcome!.Reason);
    }

    [Fact]
    public void HandshakeMachine_rejects_a_connection_to_itself()
    {
        var self = TestNodes.Config("n1");
        var exchange = new HandshakeExchange(self, self).Run();

        Assert.Equal(DisconnectReason.SelfConnection, exchange.AcceptorOutcome!.Reason);
        Assert.StartsWith("self-connection: node n1#", exchange.AcceptorOutcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeMachine_rejects_a_peer_using_this_nodes_id()
    {
        var exchange = new HandshakeExchange(
            TestNodes.Config("n1", identity: TestNodes.Identity("n1", 1)), TestNodes.Config("n1", identity: TestNodes.Identity("n1", 2))).Run();

        Assert.Equal(DisconnectReason.DuplicateNodeId, exchange.AcceptorOutcome!.Reason);
        Assert.Contains("node ids must be unique", exchange.AcceptorOutcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeMachine_reports_a_max_frame_size_mismatch_as_a_settings_mismatch()
    {
        var exchange = new HandshakeExchange(
            TestNodes.Config("n1", maxFrameSizeBytes: 8 * 1024 * 1024), TestNodes.Config("n2", maxFrameSizeBytes: 4 * 1024 * 1024)).Run();

        Assert.Equal(DisconnectReason.SettingsMismatch, exchange.AcceptorOutcome!.Reason);
        Assert.StartsWith(
            "settings mismatch: max-frame-size is 4194304 bytes on this node and 8388608 bytes on n1#",
            exchange.AcceptorOutcome.Detail,
            StringComparison.Ordinal);
        Assert.Equal(DisconnectReason.SettingsMismatch, exchange.InitiatorOutcome!.Reason);
    }

    [Theory]
    [InlineData("node-id", "malformed Hello: node id: node id 'bad id' contains ' '; only letters, digits, '.', '_' and '-' are allowed")]
    [InlineData("incarnation", "malformed Hello: incarnation is 0, which no node uses")]
    [InlineData("address", "malformed Hello: advertised address: endpoint 'nowhere' must be written host:port (IPv6 literals in brackets)")]
    [InlineData("nonce", "malformed Hello: nonce is 3 bytes, not 32")]
    [InlineData("settings", "malformed Hello: protocol settings are missing")]
    [InlineData("roles", "malformed Hello: a role is 0 characters long; roles have 1 to 64")]
    public void HandshakeMachine_rejects_a_malformed_hello_naming_the_field(string field, string expected)
    {
        var initiator = new HandshakeMachine(TestNodes.Config("n1"), HandshakeRole.Initiator, HandshakeExchange.Nonce(1), 0);
        var hello = initiator.TakeReady().Outbound[0];
        switch (field)
        {
            case "node-id": hello.Hello.NodeId = "bad id"; break;
            case "incarnation": hello.Hello.Incarnation = 0; break;
            case "address": hello.Hello.AdvertisedAddress = "nowhere"; break;
            case "nonce": hello.Hello.Nonce = ByteString.CopyFrom(1, 2, 3); break;
            case "settings": hello.Hello.Settings = null; break;
            default: hello.Hello.Roles.Add(""); break;
        }

        var acceptor = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Acceptor, HandshakeExchange.Nonce(2), 0);
        acceptor.Step(hello, 1);

        var outcome = acceptor.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.MalformedFrame, outcome.Reason);
        Assert.Equal(expected, outcome.Detail);
        Assert.Equal(HandshakeState.Failed, acceptor.State);
    }

    [Fact]
    public void HandshakeMachine_rejects_a_user_message_before_the_handshake()
    {
        var acceptor = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Acceptor, HandshakeExchange.Nonce(2), 0);
        acceptor.Step(Frames.User("/user/x"), 1);

        var outcome = acceptor.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.MalformedFrame, outcome.Reason);
        Assert.Equal("unexpected UserMessage frame while awaiting the peer's Hello", outcome.Detail);
    }

    [Fact]
    public void HandshakeMachine_rejects_an_empty_frame()
    {
        var acceptor = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Acceptor, HandshakeExchange.Nonce(2), 0);
        acceptor.Step(new Frame(), 1);

        Assert.Equal("unexpected empty (no body) frame while awaiting the peer's Hello", acceptor.TakeReady().Outcome!.Detail);
    }

    [Fact]
    public void HandshakeMachine_times_out_at_the_deadline_and_not_before()
    {
        var acceptor = new HandshakeMachine(TestNodes.Config("n2", timeout: TimeSpan.FromSeconds(5)), HandshakeRole.Acceptor, HandshakeExchange.Nonce(2), 1000);
        Assert.Equal(6000, acceptor.DeadlineMs);

        acceptor.Tick(5999);
        Assert.False(acceptor.HasReady);

        acceptor.Tick(6000);
        var outcome = acceptor.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.HandshakeTimeout, outcome.Reason);
        Assert.Equal("no complete handshake within 5000 ms (still awaiting the peer's Hello)", outcome.Detail);
    }

    [Fact]
    public void HandshakeMachine_does_not_accept_a_frame_that_arrives_after_the_deadline()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2", timeout: TimeSpan.FromSeconds(1)));
        exchange.Acceptor.Step(exchange.Initiator.TakeReady().Outbound[0], 1000);

        Assert.Equal(DisconnectReason.HandshakeTimeout, exchange.Acceptor.TakeReady().Outcome!.Reason);
    }

    [Fact]
    public void HandshakeMachine_reports_the_peers_rejection_with_its_reason()
    {
        var initiator = new HandshakeMachine(TestNodes.Config("n1"), HandshakeRole.Initiator, HandshakeExchange.Nonce(1), 0);
        initiator.Step(new Frame { Disconnect = new Disconnect { Reason = DisconnectReason.Overloaded, Detail = "busy" } }, 1);

        var outcome = initiator.TakeReady().Outcome!;
        Assert.Equal(HandshakeOutcome.RejectedByPeer(DisconnectReason.Overloaded, "rejected by peer: busy"), outcome);
    }

    [Fact]
    public void HandshakeMachine_refuses_frames_after_it_finished()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2")).Run();
        Assert.Throws<InvalidOperationException>(() => exchange.Acceptor.Step(Frames.User("/user/x"), 2));
    }

    [Fact]
    public void HandshakeMachine_rejects_a_replayed_initiator_transcript()
    {
        // An eavesdropper records a successful handshake and replays the initiator's frames to the
        // acceptor. The acceptor's fresh nonce changes the expected proof, so the replay fails.
        var recorded = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2"), 0x11, 0x22).Run();
        Assert.True(recorded.AcceptorOutcome!.Succeeded);
        var initiatorFrames = recorded.Frames.Where(f => f.From == "initiator").Select(f => f.Frame).ToList();

        var victim = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Acceptor, HandshakeExchange.Nonce(0x33), 0);
        victim.Step(initiatorFrames[0], 1);
        victim.TakeReady();
        victim.Step(initiatorFrames[1], 2);

        var outcome = victim.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.AuthenticationFailed, outcome.Reason);
    }

    [Fact]
    public void HandshakeMachine_rejects_the_acceptors_own_proof_reflected_back()
    {
        // An attacker without the secret answers the acceptor's challenge with the proof the
        // acceptor just made: the role label in the MAC makes it useless.
        var acceptor = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Acceptor, HandshakeExchange.Nonce(0x22), 0);
        var attackerHello = new HandshakeMachine(TestNodes.Config("mallory"), HandshakeRole.Initiator, HandshakeExchange.Nonce(0x11), 0)
            .TakeReady().Outbound[0];
        acceptor.Step(attackerHello, 1);
        var acceptorProof = acceptor.TakeReady().Outbound.Single(f => f.BodyCase == Frame.BodyOneofCase.Proof);

        acceptor.Step(acceptorProof, 2);

        Assert.Equal(DisconnectReason.AuthenticationFailed, acceptor.TakeReady().Outcome!.Reason);
    }

    [Fact]
    public void HandshakeMachine_initiator_rejects_a_hello_that_echoes_its_own_nonce()
    {
        var initiator = new HandshakeMachine(TestNodes.Config("n1"), HandshakeRole.Initiator, HandshakeExchange.Nonce(0x11), 0);
        var reflected = new HandshakeMachine(TestNodes.Config("n2"), HandshakeRole.Initiator, HandshakeExchange.Nonce(0x11), 0)
            .TakeReady().Outbound[0];
        initiator.TakeReady();

        initiator.Step(reflected, 1);

        var outcome = initiator.TakeReady().Outcome!;
        Assert.Equal(DisconnectReason.AuthenticationFailed, outcome.Reason);
        Assert.Contains("reflected handshake", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeMachine_never_puts_the_secret_on_the_wire()
    {
        var exchange = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2", secret: "another secret, not shared")).Run();
        var wire = exchange.Frames.SelectMany(f => f.Frame.ToByteArray()).ToArray();
        var text = string.Join("\n", exchange.Script) + exchange.InitiatorOutcome + exchange.AcceptorOutcome;

        foreach (var secret in new[] { TestNodes.Secret, "another secret, not shared" })
        {
            Assert.Equal(-1, wire.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HandshakeMachine_proofs_differ_by_role_and_by_nonce()
    {
        var first = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2"), 0x11, 0x22).Run();
        var second = new HandshakeExchange(TestNodes.Config("n1"), TestNodes.Config("n2"), 0x11, 0x23).Run();
        var proofs = first.Frames.Concat(second.Frames)
            .Where(f => f.Frame.BodyCase == Frame.BodyOneofCase.Proof)
            .Select(f => f.Frame.Proof.Mac.ToBase64())
            .ToList();

        Assert.Equal(4, proofs.Count);
        Assert.Equal(4, proofs.Distinct().Count());
    }
}
