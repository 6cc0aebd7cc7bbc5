using System.Globalization;
using PeerSync.Actors;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.Configuration;

/// <summary>
/// `peersync.remote.link`: how links to peers reconnect, buffer and detect dead connections.
/// Each property names its key and says why its default is what it is.
/// </summary>
public sealed class RemoteLinkOptions
{
    /// <summary>`reconnect-min-backoff`: the first retry after a lost session or failed dial. Default
    /// 200 ms: a peer that restarts is back within a second, and a few quick tries cost nothing.</summary>
    public TimeSpan ReconnectMinBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>`reconnect-max-backoff`: the delay doubles per failed dial up to this. Default 10 s: a
    /// peer that is down for long is probed every 10 s, cheap enough for every node to do.</summary>
    public TimeSpan ReconnectMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>`reconnect-random-factor`: each delay is stretched by up to this fraction (jitter), so
    /// nodes that lost a peer together do not all redial it in lockstep. Default 0.2.</summary>
    public double ReconnectRandomFactor { get; set; } = 0.2;

    /// <summary>`buffer-messages`: messages a link holds for its peer (waiting to be sent or to be
    /// acknowledged); beyond it new ones are dead letters ("buffer full"). Default 65 536: a few
    /// seconds of a busy link, enough to ride out a reconnect.</summary>
    public int BufferMessages { get; set; } = 65_536;

    /// <summary>`buffer-size` in bytes, bounding the same buffer by size (serialized). Default 32 MiB.</summary>
    public long BufferBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>`heartbeat-interval`: a heartbeat request goes out this often on a connected link, so
    /// an idle link still sees traffic. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>`heartbeat-timeout`: a session that received nothing (not even a heartbeat reply) for
    /// this long is closed as lost and the link reconnects. This catches half-open TCP connections
    /// (a peer whose machine vanished). Default 10 s, like the write-stall timeout: well above a GC
    /// pause. Cluster failure detection is separate and faster to suspect, slower to act.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>`ack-delay`: how long a receiver waits for a reply batch to carry its acknowledgement
    /// before sending one on its own. Default 10 ms; 512 unacknowledged deliveries are acknowledged
    /// at once.</summary>
    public TimeSpan AckDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>`max-batch-size` in bytes: a writer stops adding messages to a batch frame at this
    /// size. Default 60 KiB: large enough that one socket write carries hundreds of small messages,
    /// small enough to stay out of the large-object heap on the receiving side.</summary>
    public int MaxBatchBytes { get; set; } = 60 * 1024;

    /// <summary>`shutdown-flush-timeout`: on shutdown, how long to wait for buffered messages to be
    /// sent and acknowledged before the rest become dead letters. Default 2 s.</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>`jitter-seed`: seeds the reconnect jitter; null derives it from the node ids and the
    /// incarnation (different on every node and run). Set it to replay a simulation.</summary>
    public ulong? JitterSeed { get; set; }

    /// <summary>Every problem found, each naming the key and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        const string prefix = "peersync.remote.link.";
        if (ReconnectMinBackoff <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"{prefix}reconnect-min-backoff is {ReconnectMinBackoff}; it must be positive (default 200ms)"));
        }

        if (ReconnectMaxBackoff < ReconnectMinBackoff)
        {
            errors.Add(Invariant($"{prefix}reconnect-max-backoff ({ReconnectMaxBackoff}) is below reconnect-min-backoff ({ReconnectMinBackoff}); raise it (default 10s)"));
        }

        if (ReconnectRandomFactor is < 0 or > 1 || double.IsNaN(ReconnectRandomFactor))
        {
            errors.Add(Invariant($"{prefix}reconnect-random-factor is {ReconnectRandomFactor}; use 0 to 1 (default 0.2)"));
        }

        if (BufferMessages < 1)
        {
            errors.Add(Invariant($"{prefix}buffer-messages is {BufferMessages}; use at least 1 (default 65536)"));
        }

        if (BufferBytes < 1024)
        {
            errors.Add(Invariant($"{prefix}buffer-size is {BufferBytes} bytes; use at least 1 KiB (default 32 MiB)"));
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"{prefix}heartbeat-interval is {HeartbeatInterval}; it must be positive (default 1s)"));
        }

        if (HeartbeatTimeout < HeartbeatInterval * 2)
        {
            errors.Add(Invariant($"{prefix}heartbeat-timeout ({HeartbeatTimeout}) must be at least twice heartbeat-interval ({HeartbeatInterval}), or one late heartbeat drops the link (default 10s)"));
        }

        if (AckDelay <= TimeSpan.Zero || AckDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add(Invariant($"{prefix}ack-delay is {AckDelay}; use more than 0 and at most 1s (default 10ms)"));
        }

        if (MaxBatchBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add(Invariant($"{prefix}max-batch-size is {MaxBatchBytes} bytes; use 1 KiB to 16 MiB (default 60 KiB)"));
        }

        if (ShutdownFlushTimeout < TimeSpan.Zero)
        {
            errors.Add(Invariant($"{prefix}shutdown-flush-timeout is {ShutdownFlushTimeout}; it must not be negative (default 2s)"));
        }

        return errors;
    }

    /// <summary>The machine's view of these options; <paramref name="handshakeTimeout"/> is the tie-break window.</summary>
    public PeerLinkConfig ToConfig(TimeSpan handshakeTimeout) => new(
        new BackoffPolicy(ReconnectMinBackoff, ReconnectMaxBackoff, ReconnectRandomFactor),
        (long)HeartbeatInterval.TotalMilliseconds,
        (long)HeartbeatTimeout.TotalMilliseconds,
        (long)handshakeTimeout.TotalMilliseconds);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
