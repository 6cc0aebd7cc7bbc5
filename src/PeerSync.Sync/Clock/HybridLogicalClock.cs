namespace PeerSync.Sync.Clock;

/// <summary>
/// The hybrid logical clock of one node (Kulkarni et al. 2014), as a pure machine: physical time is
/// handed in, nothing is read. See docs/design/hlc.md.
/// <list type="bullet">
/// <item>A local event takes `l = max(l_prev, pt)`, never just `pt`, so a write made after a
/// received change sorts after it even on a node whose clock is behind.</item>
/// <item>A received value more than <see cref="HlcConfig.MaxClockSkewMs"/> ahead of the local
/// physical clock is rejected and never adopted (the clock does not move).</item>
/// <item>Counter overflow (more than 65 535 events within one millisecond of `l`): `l` is advanced
/// by one millisecond and the counter restarts at 0. The clock then runs at most 1 ms ahead of
/// physical time per 65 536 events; order and monotonicity are kept.</item>
/// <item>The host persists the highest value issued or adopted (the record store does so in the
/// same transaction as the write) and calls <see cref="Recover"/> at start, so values never repeat
/// across restarts, even if the physical clock went backwards.</item>
/// </list>
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly HlcConfig _config;

    public HybridLogicalClock(HlcConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.MaxClockSkewMs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(config), config.MaxClockSkewMs, "max clock skew must be positive");
        }

        _config = config;
    }

    /// <summary>The last value issued or adopted.</summary>
    public Hlc Last { get; private set; } = Hlc.Zero;

    /// <summary>How many remote values were rejected as too far ahead (for the skew metric).</summary>
    public long RejectedCount { get; private set; }

    /// <summary>How many times the counter overflowed and `l` was advanced by one millisecond.</summary>
    public long CounterOverflowCount { get; private set; }

    /// <summary>Restores the last value issued before a restart; the clock never goes below it.</summary>
    public void Recover(Hlc lastIssued)
    {
        if (lastIssued > Last)
        {
            Last = lastIssued;
        }
    }

    /// <summary>A timestamp for a local event (a write, a stream seal).</summary>
    public Hlc Now(long physicalMs)
    {
        CheckPhysical(physicalMs);
        var l = Math.Max(Last.PhysicalMs, physicalMs);
        var c = l == Last.PhysicalMs ? Last.Counter + 1 : 0;
        Last = Pack(l, c);
        return Last;
    }

    /// <summary>
    /// Checks a remote value without adopting it: null when acceptable, else the reason.
    /// </summary>
    public string? Check(Hlc remote, long physicalMs)
    {
        CheckPhysical(physicalMs);
        var skew = remote.PhysicalMs - physicalMs;
        return skew > _config.MaxClockSkewMs
            ? $"remote HLC {remote} is {skew} ms ahead of the local clock ({physicalMs} ms); at most {_config.MaxClockSkewMs} ms (peersync.sync.max-clock-skew) is accepted"
            : null;
    }

    /// <summary>
    /// The receive rule: `l' = max(l, l_m, pt)`, the counter from whichever of `l` and `l_m` won.
    /// A value too far ahead is rejected and the clock is left unchanged.
    /// </summary>
    public HlcReceiveResult Receive(Hlc remote, long physicalMs)
    {
        var reason = Check(remote, physicalMs);
        if (reason is not null)
        {
            RejectedCount++;
            return HlcReceiveResult.Reject(Last, remote.PhysicalMs - physicalMs, reason);
        }

        var lPrev = Last.PhysicalMs;
        var l = Math.Max(Math.Max(lPrev, remote.PhysicalMs), physicalMs);
        int c;
        if (l == lPrev && l == remote.PhysicalMs)
        {
            c = Math.Max(Last.Counter, remote.Counter) + 1;
        }
        else if (l == lPrev)
        {
            c = Last.Counter + 1;
        }
        else if (l == remote.PhysicalMs)
        {
            c = remote.Counter + 1;
        }
        else
        {
            c = 0;
        }

        Last = Pack(l, c);
        return HlcReceiveResult.Accept(Last);
    }

    private Hlc Pack(long l, int c)
    {
        if (c > Hlc.MaxCounter)
        {
            // Overflow: borrow one millisecond from the future rather than wrap or stall. The value
            // still exceeds every earlier one, which is all the protocol needs.
            CounterOverflowCount++;
            l++;
            c = 0;
        }

        return Hlc.From(l, c);
    }

    private static void CheckPhysical(long physicalMs)
    {
        if (physicalMs is < 0 or > Hlc.MaxPhysicalMs)
        {
            throw new ArgumentOutOfRangeException(nameof(physicalMs), physicalMs, $"physical time must be 0..{Hlc.MaxPhysicalMs} ms since the Unix epoch");
        }
    }
}
