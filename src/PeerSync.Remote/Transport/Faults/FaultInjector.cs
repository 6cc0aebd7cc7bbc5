using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// The switchboard of link faults shared by the <see cref="FaultInjectingTransport"/>s of a test's
/// nodes. Faults apply per direction between two node addresses (the addresses the nodes listen on):
/// a blackhole loses every frame (connections stay open, so handshakes time out and links go
/// silent, as behind a dead router), a delay holds frames back (order kept), a drop loses each
/// frame with a probability drawn from a PRNG seeded here, so a failing seed replays. Thread-safe.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Dictionary<(EndpointAddress From, EndpointAddress To), LinkFault> _faults = [];
    private readonly Dictionary<EndpointAddress, EndpointAddress> _dialers = [];
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

    /// <summary>Removes every fault between the two endpoints, both ways.</summary>
    public void Heal(EndpointAddress first, EndpointAddress second)
    {
        lock (_gate)
        {
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

    /// <summary>Remembers that the connection whose dialing end is <paramref name="socketAddress"/> belongs to <paramref name="node"/>.</summary>
    internal void RegisterDialer(EndpointAddress socketAddress, EndpointAddress node)
    {
        lock (_gate)
        {
            _dialers[socketAddress] = node;
        }
    }

    internal void ForgetDialer(EndpointAddress socketAddress)
    {
        lock (_gate)
        {
            _dialers.Remove(socketAddress);
        }
    }

    /// <summary>The node that dialed from <paramref name="socketAddress"/>, if a wrapped transport did.</summary>
    internal EndpointAddress? ResolveDialer(EndpointAddress socketAddress)
    {
        lock (_gate)
        {
            return _dialers.TryGetValue(socketAddress, out var node) ? node : null;
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

    private readonly record struct LinkFault(bool Blackholed, TimeSpan Delay, double DropProbability);
}

/// <summary>The fate of one frame: lost, or delivered after <see cref="Delay"/>.</summary>
internal readonly record struct FaultDecision(bool Drop, TimeSpan Delay)
{
    public static FaultDecision Deliver => default;
}
