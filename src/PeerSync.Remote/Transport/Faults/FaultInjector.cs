using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// The switchboard of link faults shared by the <see cref="FaultInjectingTransport"/>s of a test's
/// nodes. Faults apply per direction between two node addresses (the addresses the nodes listen on):
/// a blackhole loses every frame (connections stay open, so handshakes time out and links go
/// silent, as behind a dead router), a delay holds frames back (order kept), a drop loses each
/// frame with a probability drawn from a PRNG seeded here, so a failing seed replays, a refusal
/// fails dials at once (as a REJECT firewall rule), and a reset fails the live connections at once
/// (as a TCP reset). Every method names two different nodes of this injector: the addresses its
/// transports listen on, or ones declared with <see cref="AddNode"/>; anything else is an
/// <see cref="ArgumentException"/>, so a mistyped address cannot make a fault test pass vacuously.
/// Thread-safe.
/// </summary>
public sealed partial class FaultInjector
{
    private readonly object _gate = new();
    private readonly Dictionary<(EndpointAddress From, EndpointAddress To), LinkFault> _faults = [];
    private readonly Random _random;
    private long _droppedFrames;
    private long _delayedFrames;

    public FaultInjector(int seed, TimeProvider? timeProvider = null)
    {
        _random = new Random(seed);
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The clock delays are measured on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Frames lost to blackholes and drops so far.</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>Frames held back by a delay so far.</summary>
    public long DelayedFrames => Interlocked.Read(ref _delayedFrames);

    public void Blackhole(EndpointAddress first, EndpointAddress second, FaultDirection direction = FaultDirection.Both) =>
        Update(first, second, direction, fault => fault with { Blackholed = true });

    public void Delay(EndpointAddress first, EndpointAddress second, TimeSpan delay, FaultDirection direction = FaultDirection.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Update(first, second, direction, fault => fault with { Delay = delay });
    }

    public void Drop(EndpointAddress first, EndpointAddress second, double probability, FaultDirection direction = FaultDirection.Both)
    {
        if (probability is < 0 or > 1 || double.IsNaN(probability))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "a drop probability is between 0 and 1");
        }

        Update(first, second, direction, fault => fault with { DropProbability = probability });
    }

    /// <summary>
    /// Dials between the two nodes (in <paramref name="direction"/>: from the first to the second
    /// for <see cref="FaultDirection.FirstToSecond"/>) fail at once with a <see cref="TransportException"/>
    /// saying "connection refused (fault injected)", as with a REJECT firewall rule (not a timeout).
    /// Connections already open are untouched. Judged by the dialing node's wrapped transport.
    /// Lifted by <see cref="Heal"/>.
    /// </summary>
    public void Refuse(EndpointAddress first, EndpointAddress second, FaultDirection direction = FaultDirection.Both) =>
        Update(first, second, direction, fault => fault with { Refused = true });

    /// <summary>Removes every fault between the two endpoints, both ways (blackholes, delays, drops, refusals).</summary>
    public void Heal(EndpointAddress first, EndpointAddress second)
    {
        lock (_gate)
        {
            RequirePair(first, second);
            _faults.Remove((first, second));
            _faults.Remove((second, first));
        }
    }

    /// <summary>Removes every fault.</summary>
    public void HealAll()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>What happens to one frame from <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal FaultDecision Decide(EndpointAddress from, EndpointAddress to)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue((from, to), out var fault))
            {
                return FaultDecision.Deliver;
            }

            if (fault.Blackholed || (fault.DropProbability > 0 && _random.NextDouble() < fault.DropProbability))
            {
                _droppedFrames++;
                return new FaultDecision(Drop: true, TimeSpan.Zero);
            }

            if (fault.Delay > TimeSpan.Zero)
            {
                _delayedFrames++;
            }

            return new FaultDecision(Drop: false, fault.Delay);
        }
    }

    private void Update(EndpointAddress first, EndpointAddress second, FaultDirection direction, Func<LinkFault, LinkFault> change)
    {
        lock (_gate)
        {
            RequirePair(first, second);
            if (direction is FaultDirection.Both or FaultDirection.FirstToSecond)
            {
                _faults[(first, second)] = change(_faults.GetValueOrDefault((first, second)));
            }

            if (direction is FaultDirection.Both or FaultDirection.SecondToFirst)
            {
                _faults[(second, first)] = change(_faults.GetValueOrDefault((second, first)));
            }
        }
    }

    private readonly record struct LinkFault(bool Blackholed, TimeSpan Delay, double DropProbability, bool Refused);
}

/// <summary>The fate of one frame: lost, or delivered after <see cref="Delay"/>.</summary>
internal readonly record struct FaultDecision(bool Drop, TimeSpan Delay)
{
    public static FaultDecision Deliver => default;
}
