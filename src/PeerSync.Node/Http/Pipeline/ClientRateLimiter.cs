using System.Collections.Concurrent;
using System.Net;

namespace PeerSync.Node.Http.Pipeline;

/// <summary>
/// A token bucket per client address (`peersync.http.rate-limit`): each holds up to `burst`
/// requests and refills at `requests-per-second`, computed lazily from the injected clock at each
/// request (no timers), so a test on a manual clock sees exact refills. The table is bounded:
/// buckets that have refilled completely carry no state and are forgotten when the table fills;
/// if it is still full, new clients share one overflow bucket (logged), so many addresses cannot
/// grow memory without bound nor escape the limit.
/// </summary>
internal sealed class ClientRateLimiter
{
    /// <summary>Client addresses tracked at once; a node's HTTP clients are a handful of tools and dashboards.</summary>
    public const int MaxTrackedClients = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly Bucket _overflow;
    private readonly TimeProvider _time;
    private readonly double _tokensPerTick;
    private readonly double _capacity;
    private readonly long _sweepIntervalTicks;
    private long _lastSweep;

    public ClientRateLimiter(int requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _time = time;
        _capacity = burst;
        _tokensPerTick = (double)requestsPerSecond / time.TimestampFrequency;
        _sweepIntervalTicks = time.TimestampFrequency;
        _overflow = new Bucket(_capacity, time.GetTimestamp());
        _lastSweep = time.GetTimestamp() - _sweepIntervalTicks;
        RequestsPerSecond = requestsPerSecond;
        Burst = burst;
    }

    public int RequestsPerSecond { get; }

    public int Burst { get; }

    /// <summary>Raised (once per filling) when the table is full and new clients share the overflow bucket.</summary>
    public event Action<int>? TableFull;

    /// <summary>Takes one request from <paramref name="client"/>'s bucket; false with the wait until the next one when empty.</summary>
    public bool TryAcquire(IPAddress? client, out TimeSpan retryAfter)
    {
        var now = _time.GetTimestamp();
        var bucket = BucketOf(Normalize(client), now);
        lock (bucket)
        {
            bucket.Refill(now, _tokensPerTick, _capacity);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / (_tokensPerTick * _time.TimestampFrequency));
            return false;
        }
    }

    /// <summary>Client addresses with state (for tests and diagnostics).</summary>
    public int TrackedClients => _buckets.Count;

    private static IPAddress Normalize(IPAddress? client) =>
        client is null ? IPAddress.None : client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;

    private Bucket BucketOf(IPAddress client, long now)
    {
        if (_buckets.TryGetValue(client, out var bucket))
        {
            return bucket;
        }

        if (_buckets.Count >= MaxTrackedClients && !Sweep(now))
        {
            return _overflow;
        }

        return _buckets.GetOrAdd(client, static (_, state) => new Bucket(state.Capacity, state.Now), (Capacity: _capacity, Now: now));
    }

    /// <summary>Forgets full buckets, at most once a second so a crowd of clients cannot make every request scan the table.</summary>
    private bool Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < _sweepIntervalTicks || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return _buckets.Count < MaxTrackedClients;
        }

        foreach (var (address, bucket) in _buckets)
        {
            bool full;
            lock (bucket)
            {
                bucket.Refill(now, _tokensPerTick, _capacity);
                full = bucket.Tokens >= _capacity;
            }

            if (full)
            {
                // A full bucket is what a new client gets anyway, so forgetting it changes nothing.
                _buckets.TryRemove(new KeyValuePair<IPAddress, Bucket>(address, bucket));
            }
        }

        var roomLeft = _buckets.Count < MaxTrackedClients;
        if (!roomLeft)
        {
            TableFull?.Invoke(_buckets.Count);
        }

        return roomLeft;
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;

        private long Updated { get; set; } = updated;

        public void Refill(long now, double tokensPerTick, double capacity)
        {
            if (now > Updated)
            {
                Tokens = Math.Min(capacity, Tokens + ((now - Updated) * tokensPerTick));
                Updated = now;
            }
        }
    }
}
