using System.Net;
using PeerSync.Actors;
using PeerSync.Node.Http.Pipeline;

namespace PeerSync.Node.Tests.Http;

/// <summary>The token bucket per client on a manual clock: burst, refill, separate clients, and the bounded table.</summary>
public sealed class ClientRateLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void Limiter_allows_the_burst_at_once_then_refuses_with_the_wait_for_the_next_token()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(requestsPerSecond: 4, burst: 3, time);

        Assert.True(limiter.TryAcquire(A, out _));
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.False(limiter.TryAcquire(A, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(250), retryAfter);
    }

    [Fact]
    public void Limiter_refills_at_the_sustained_rate_and_never_above_the_burst()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(requestsPerSecond: 10, burst: 2, time);
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.True(limiter.TryAcquire(A, out _));

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.False(limiter.TryAcquire(A, out _));

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.True(limiter.TryAcquire(A, out _));
        Assert.False(limiter.TryAcquire(A, out _));
    }

    [Fact]
    public void Limiter_keeps_one_bucket_per_client_and_treats_ipv4_mapped_addresses_as_ipv4()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(requestsPerSecond: 1, burst: 1, time);

        Assert.True(limiter.TryAcquire(A, out _));
        Assert.False(limiter.TryAcquire(A.MapToIPv6(), out _));
        Assert.True(limiter.TryAcquire(B, out _));
        Assert.Equal(2, limiter.TrackedClients);
    }

    [Fact]
    public void Limiter_forgets_refilled_clients_when_the_table_is_full_and_shares_an_overflow_bucket_while_it_stays_full()
    {
        var time = new ManualTimeProvider();
        var limiter = new ClientRateLimiter(requestsPerSecond: 1, burst: 1, time);
        var fullReports = new List<int>();
        limiter.TableFull += fullReports.Add;
        for (var i = 0; i < ClientRateLimiter.MaxTrackedClients; i++)
        {
            Assert.True(limiter.TryAcquire(Address(i), out _));
        }

        // Every tracked bucket is empty: a newcomer cannot take a slot, it shares the overflow bucket.
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(limiter.TryAcquire(Address(-1), out _));
        Assert.False(limiter.TryAcquire(Address(-2), out _));
        Assert.Equal([ClientRateLimiter.MaxTrackedClients], fullReports);

        // Once they refilled they carry no state: the next sweep forgets them.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(Address(-3), out _));
        Assert.Equal(1, limiter.TrackedClients);
    }

    private static IPAddress Address(int i) => new(BitConverter.GetBytes(0x0A000000 + i + 10).Reverse().ToArray());
}
