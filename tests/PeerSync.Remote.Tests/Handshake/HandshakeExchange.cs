using Google.Protobuf;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Tests.Handshake;

/// <summary>Plays two machines against each other, recording every frame as a readable script.</summary>
internal sealed class HandshakeExchange
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public HandshakeExchange(HandshakeConfig initiatorConfig, HandshakeConfig acceptorConfig, byte initiatorNonce = 0x11, byte acceptorNonce = 0x22)
    {
        Initiator = new HandshakeMachine(initiatorConfig, HandshakeRole.Initiator, Nonce(initiatorNonce), 0);
        Acceptor = new HandshakeMachine(acceptorConfig, HandshakeRole.Acceptor, Nonce(acceptorNonce), 0);
    }

    public HandshakeMachine Initiator { get; }

    public HandshakeMachine Acceptor { get; }

    public HandshakeOutcome? InitiatorOutcome { get; private set; }

    public HandshakeOutcome? AcceptorOutcome { get; private set; }

    /// <summary>Every frame, in the order sent.</summary>
    public List<(string From, Frame Frame)> Frames { get; } = [];

    public List<string> Script { get; } = [];

    public static byte[] Nonce(byte fill) => Enumerable.Repeat(fill, RemoteProtocol.NonceBytes).ToArray();

    /// <summary>Delivers frames both ways until neither side has anything more to say.</summary>
    public HandshakeExchange Run(long nowMs = 1)
    {
        var progress = true;
        while (progress)
        {
            progress = Pump(Initiator, "initiator", Acceptor, nowMs, o => InitiatorOutcome = o)
                | Pump(Acceptor, "acceptor", Initiator, nowMs, o => AcceptorOutcome = o);
        }

        return this;
    }

    public static string Describe(Frame frame) => Json.Format(frame);

    private bool Pump(HandshakeMachine from, string name, HandshakeMachine to, long nowMs, Action<HandshakeOutcome> outcome)
    {
        if (!from.HasReady)
        {
            return false;
        }

        var ready = from.TakeReady();
        foreach (var frame in ready.Outbound)
        {
            Frames.Add((name, frame));
            Script.Add($"{name} -> {Describe(frame)}");
            if (!to.IsFinished)
            {
                to.Step(frame, nowMs);
            }
        }

        if (ready.Outcome is { } done)
        {
            outcome(done);
            Script.Add($"{name} outcome: {done}");
            if (!done.Succeeded && !done.ByPeer && !to.IsFinished)
            {
                // What the host does on a local failure: close the connection with a notice.
                var notice = new Frame { Disconnect = new Disconnect { Reason = done.Reason, Detail = done.Detail } };
                Frames.Add((name, notice));
                Script.Add($"{name} -> {Describe(notice)}");
                to.Step(notice, nowMs);
            }
        }

        return true;
    }
}
