using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Session;

/// <summary>
/// Runs a <see cref="HandshakeMachine"/> over an <see cref="IFrameConnection"/>: feeds it received
/// frames, sends what it asks, and ticks it from a <see cref="TimeProvider"/> timer at its deadline.
/// On failure it closes the connection with the machine's reason (sent to the peer where the
/// reason allows). It reads exactly the handshake frames, so user frames that follow stay queued
/// on the connection for the session's owner.
/// </summary>
public sealed class HandshakeRunner
{
    private readonly HandshakeConfig _config;
    private readonly INonceSource _nonces;
    private readonly TimeProvider _time;

    public HandshakeRunner(HandshakeConfig config, INonceSource? nonces = null, TimeProvider? timeProvider = null)
    {
        _config = config;
        _nonces = nonces ?? RandomNonceSource.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    public HandshakeConfig Config => _config;

    /// <summary>
    /// Handshakes as <paramref name="role"/>. Never throws for a failed handshake: the result says
    /// why. Cancelling closes the connection with SHUTDOWN.
    /// </summary>
    public async Task<HandshakeResult> RunAsync(IFrameConnection connection, HandshakeRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var started = _time.GetTimestamp();
        long Now() => (long)_time.GetElapsedTime(started).TotalMilliseconds;

        Span<byte> nonce = stackalloc byte[RemoteProtocol.NonceBytes];
        _nonces.Fill(nonce);
        var run = new Run(connection, new HandshakeMachine(_config, role, nonce, Now()), Now);
        run.Flush();

        await using (_time.CreateTimer(
            static state => ((Run)state!).OnDeadline(),
            run,
            TimeSpan.FromMilliseconds(Math.Max(0, run.Machine.DeadlineMs - Now())),
            Timeout.InfiniteTimeSpan).ConfigureAwait(false))
        {
            while (run.Outcome is null)
            {
                Frame? frame;
                try
                {
                    frame = await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // A local failure: the machine's outcome closes the connection with this reason.
                    run.Closed(DisconnectReason.Shutdown, "handshake cancelled: the node is shutting down", byPeer: false);
                    break;
                }

                if (frame is null)
                {
                    var closed = connection.CloseReason ?? new ConnectionClosed(DisconnectReason.ConnectionLost, "connection closed", ByPeer: true);
                    run.Closed(closed.Reason, closed.Detail, closed.ByPeer);
                }
                else
                {
                    run.Received(frame, Now());
                }
            }
        }

        var outcome = run.Outcome!;
        return outcome.Succeeded
            ? new HandshakeResult(new PeerSession(connection, _config.Self, outcome.Peer!), outcome, outcome.Peer)
            : new HandshakeResult(null, outcome, run.Machine.ClaimedPeer);
    }

    /// <summary>One handshake's shared state; the receive loop and the deadline timer both step it, under its lock.</summary>
    private sealed class Run(IFrameConnection connection, HandshakeMachine machine, Func<long> nowMs)
    {
        private readonly object _gate = new();

        public HandshakeMachine Machine { get; } = machine;

        public HandshakeOutcome? Outcome { get; private set; }

        public void Received(Frame frame, long nowMs)
        {
            lock (_gate)
            {
                if (Outcome is null)
                {
                    Machine.Step(frame, nowMs);
                    Flush();
                }
            }
        }

        public void Closed(DisconnectReason reason, string detail, bool byPeer)
        {
            lock (_gate)
            {
                if (Outcome is null)
                {
                    Machine.ConnectionClosed(reason, detail, byPeer);
                    Flush();
                }
            }
        }

        public void OnDeadline()
        {
            lock (_gate)
            {
                if (Outcome is null)
                {
                    // Timers never fire early, so the clock is at or past the deadline; pass the
                    // deadline itself at least, so a coarse clock cannot leave the machine waiting.
                    Machine.Tick(Math.Max(nowMs(), Machine.DeadlineMs));
                    Flush();
                }
            }
        }

        /// <summary>Sends what the machine asks and, on failure, closes the connection with its reason.</summary>
        public void Flush()
        {
            var ready = Machine.TakeReady();
            foreach (var frame in ready.Outbound)
            {
                // Handshake frames are a few hundred bytes on an otherwise empty queue; a refusal
                // means the connection is already closing, which the receive loop will see.
                connection.TrySend(frame);
            }

            if (ready.Outcome is { } outcome)
            {
                Outcome = outcome;
                if (!outcome.Succeeded)
                {
                    connection.Close(outcome.Reason, outcome.Detail);
                }
            }
        }
    }
}
