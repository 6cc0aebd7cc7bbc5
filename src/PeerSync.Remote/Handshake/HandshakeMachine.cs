// The handshake as a pure state machine: no I/O, no clock, no randomness of its own (the nonce and
// the time are handed in). Design note: docs/design/handshake-machine.md.
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

/// <summary>
/// One side of the PeerSync handshake on one connection. The host feeds it every frame received
/// (<see cref="Step"/>) and the time (<see cref="Tick"/>), sends what <see cref="TakeReady"/> returns,
/// and stops when the outcome is set: an authenticated <see cref="NodeIdentity"/>, or a reason to
/// close the connection with. Mutual authentication is HMAC-SHA256 challenge-response over both
/// Hellos (see <see cref="HandshakeTranscript"/>); the secret never leaves the node.
/// </summary>
public sealed partial class HandshakeMachine
{
    private readonly HandshakeConfig _config;
    private readonly HandshakeRole _role;
    private readonly Hello _ownHello;
    private readonly List<Frame> _outbound = [];
    private Hello? _peerHello;
    private HandshakeOutcome? _outcome;
    private bool _outcomeTaken;

    /// <param name="config">Validated settings and identity.</param>
    /// <param name="role">Whether this side dialed (initiator) or accepted.</param>
    /// <param name="nonce">Fresh random bytes for this attempt (<see cref="RemoteProtocol.NonceBytes"/> long).</param>
    /// <param name="nowMs">The host's monotonic time in ms; the deadline is counted from it.</param>
    public HandshakeMachine(HandshakeConfig config, HandshakeRole role, ReadOnlySpan<byte> nonce, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (nonce.Length != RemoteProtocol.NonceBytes)
        {
            throw new ArgumentException($"a handshake nonce is {RemoteProtocol.NonceBytes} bytes, not {nonce.Length}", nameof(nonce));
        }

        _config = config;
        _role = role;
        _ownHello = BuildHello(config, nonce);
        DeadlineMs = nowMs + (long)config.Timeout.TotalMilliseconds;
        State = HandshakeState.AwaitingHello;
        if (role == HandshakeRole.Initiator)
        {
            _outbound.Add(new Frame { Hello = _ownHello.Clone() });
        }
    }

    public HandshakeState State { get; private set; }

    public HandshakeRole Role => _role;

    /// <summary>When <see cref="Tick"/> fails the handshake, on the host's monotonic ms clock.</summary>
    public long DeadlineMs { get; }

    /// <summary>
    /// The identity the peer claimed in its Hello, before authentication; for logs only, and null
    /// until a well-formed Hello arrived.
    /// </summary>
    public NodeIdentity? ClaimedPeer { get; private set; }

    public bool IsFinished => State is HandshakeState.Established or HandshakeState.Failed;

    public bool HasReady => _outbound.Count > 0 || (_outcome is not null && !_outcomeTaken);

    /// <summary>Feeds one frame received from the peer.</summary>
    /// <exception cref="InvalidOperationException">The handshake already finished: the host must not
    /// feed user frames to the machine.</exception>
    public void Step(Frame frame, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(frame);
        EnsureRunning();
        if (nowMs >= DeadlineMs)
        {
            // A frame that arrives after the deadline does not rescue the handshake; the outcome
            // must not depend on whether the timer or the frame was processed first.
            Tick(nowMs);
            return;
        }

        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.Disconnect:
                Fail(HandshakeOutcome.RejectedByPeer(
                    frame.Disconnect.Reason, $"rejected by peer: {frame.Disconnect.Detail}"));
                return;
            case Frame.BodyOneofCase.Hello when State == HandshakeState.AwaitingHello:
                OnHello(frame.Hello);
                return;
            case Frame.BodyOneofCase.Proof when State == HandshakeState.AwaitingProof:
                OnProof(frame.Proof);
                return;
            case Frame.BodyOneofCase.Accepted when State == HandshakeState.AwaitingAccepted:
                Establish();
                return;
            default:
                Fail(HandshakeOutcome.Rejected(
                    DisconnectReason.MalformedFrame,
                    $"unexpected {Describe(frame)} frame while {Describe(State)}"));
                return;
        }
    }

    /// <summary>Advances time: past the deadline, an unfinished handshake fails.</summary>
    public void Tick(long nowMs)
    {
        if (IsFinished || nowMs < DeadlineMs)
        {
            return;
        }

        Fail(HandshakeOutcome.Rejected(
            DisconnectReason.HandshakeTimeout,
            string.Create(
                CultureInfo.InvariantCulture,
                $"no complete handshake within {(long)_config.Timeout.TotalMilliseconds} ms (still {Describe(State)})")));
    }

    /// <summary>The connection closed under the handshake (the peer went away or the transport failed).</summary>
    public void ConnectionClosed(DisconnectReason reason, string detail, bool byPeer)
    {
        if (IsFinished)
        {
            return;
        }

        Fail(byPeer
            ? HandshakeOutcome.RejectedByPeer(reason, detail)
            : HandshakeOutcome.Rejected(reason, detail));
    }

    /// <summary>Frames to send (in order) and, once, the outcome. Clears both.</summary>
    public HandshakeReady TakeReady()
    {
        var outbound = _outbound.ToArray();
        _outbound.Clear();
        HandshakeOutcome? outcome = null;
        if (_outcome is not null && !_outcomeTaken)
        {
            outcome = _outcome;
            _outcomeTaken = true;
        }

        return new HandshakeReady(outbound, outcome);
    }

    private void OnHello(Hello hello)
    {
        if (Validate(hello) is { } rejection)
        {
            Fail(rejection);
            return;
        }

        _peerHello = hello;
        State = HandshakeState.AwaitingProof;
        if (_role == HandshakeRole.Acceptor)
        {
            _outbound.Add(new Frame { Hello = _ownHello.Clone() });
            _outbound.Add(ProofFrame(HandshakeRole.Acceptor));
        }
    }

    private void OnProof(HandshakeProof proof)
    {
        var peerRole = _role == HandshakeRole.Initiator ? HandshakeRole.Acceptor : HandshakeRole.Initiator;
        var expected = HandshakeTranscript.Mac(_config.Key, peerRole, InitiatorHello, AcceptorHello);
        if (!CryptographicOperations.FixedTimeEquals(expected, proof.Mac.Span))
        {
            Fail(HandshakeOutcome.Rejected(
                DisconnectReason.AuthenticationFailed,
                $"authentication failed: the proof of {ClaimedPeer?.Node.ToString() ?? "the peer"} does not match; the nodes do not share peersync.remote.secret (or the handshake was tampered with or replayed)"));
            return;
        }

        if (_role == HandshakeRole.Initiator)
        {
            _outbound.Add(ProofFrame(HandshakeRole.Initiator));
            State = HandshakeState.AwaitingAccepted;
            return;
        }

        _outbound.Add(new Frame { Accepted = new HandshakeAccepted() });
        Establish();
    }

    private Hello InitiatorHello => _role == HandshakeRole.Initiator ? _ownHello : _peerHello!;

    private Hello AcceptorHello => _role == HandshakeRole.Acceptor ? _ownHello : _peerHello!;

    private Frame ProofFrame(HandshakeRole prover) => new()
    {
        Proof = new HandshakeProof
        {
            Mac = ByteString.CopyFrom(HandshakeTranscript.Mac(_config.Key, prover, InitiatorHello, AcceptorHello)),
        },
    };

    private void Establish()
    {
        State = HandshakeState.Established;
        _outcome = HandshakeOutcome.Established(ClaimedPeer!);
    }

    private void Fail(HandshakeOutcome outcome)
    {
        State = HandshakeState.Failed;
        _outcome = outcome;
    }

    private void EnsureRunning()
    {
        if (IsFinished)
        {
            throw new InvalidOperationException($"the handshake already ended ({State}); frames after it belong to the session");
        }
    }

    private static Hello BuildHello(HandshakeConfig config, ReadOnlySpan<byte> nonce)
    {
        var self = config.Self;
        var hello = new Hello
        {
            ProtocolVersion = config.ProtocolVersion,
            ClusterName = config.ClusterName,
            NodeId = self.Id.Value,
            Incarnation = self.Incarnation.Value,
            DataEpoch = self.DataEpoch.Value,
            AdvertisedAddress = self.Address.ToString(),
            StartupTimeUnixMs = self.StartupTimeUnixMs,
            Nonce = ByteString.CopyFrom(nonce),
            Settings = new ProtocolSettings { MaxFrameSizeBytes = (uint)config.MaxFrameSizeBytes },
        };
        hello.Roles.AddRange(self.Roles);
        return hello;
    }

    private static string Describe(Frame frame) => frame.BodyCase switch
    {
        Frame.BodyOneofCase.None => "empty (no body)",
        var body => body.ToString(),
    };

    private string Describe(HandshakeState state) => state switch
    {
        HandshakeState.AwaitingHello => "awaiting the peer's Hello",
        HandshakeState.AwaitingProof => "awaiting the peer's proof",
        HandshakeState.AwaitingAccepted => "awaiting HandshakeAccepted",
        _ => state.ToString(),
    };
}
