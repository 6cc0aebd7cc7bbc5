using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Logging;

namespace PeerSync.Hosting.Tests.Logging;

/// <summary>The in-memory ring buffer behind GET /v1/node/logs.</summary>
public sealed class RecentLogEventsTests
{
    [Fact]
    public void Buffer_keeps_only_the_newest_events_when_more_arrive_than_it_holds()
    {
        var buffer = new RecentLogEvents(capacity: 3);
        for (var i = 1; i <= 5; i++)
        {
            buffer.Add(Entry(i, LogLevel.Information));
        }

        Assert.Equal(["m3", "m4", "m5"], buffer.Snapshot(100).Select(e => e.Message));
        Assert.Equal(2, buffer.DroppedCount);
    }

    [Fact]
    public void Buffer_stays_bounded_under_many_events()
    {
        var buffer = new RecentLogEvents(capacity: 1000);
        for (var i = 0; i < 25_000; i++)
        {
            buffer.Add(Entry(i, LogLevel.Information));
        }

        var all = buffer.Snapshot(int.MaxValue);
        Assert.Equal(1000, all.Count);
        Assert.Equal("m24999", all[^1].Message);
        Assert.Equal(24_000, buffer.DroppedCount);
    }

    [Fact]
    public void Snapshot_returns_the_newest_matching_events_oldest_first()
    {
        var buffer = new RecentLogEvents(capacity: 10);
        buffer.Add(Entry(1, LogLevel.Warning));
        buffer.Add(Entry(2, LogLevel.Debug));
        buffer.Add(Entry(3, LogLevel.Error));
        buffer.Add(Entry(4, LogLevel.Information));
        buffer.Add(Entry(5, LogLevel.Critical));

        Assert.Equal(["m3", "m5"], buffer.Snapshot(2, LogLevel.Warning).Select(e => e.Message));
        Assert.Equal(["m1", "m3", "m5"], buffer.Snapshot(10, LogLevel.Warning).Select(e => e.Message));
        Assert.Equal(["m4", "m5"], buffer.Snapshot(2).Select(e => e.Message));
    }

    [Fact]
    public void Buffer_refuses_a_capacity_or_limit_below_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecentLogEvents(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecentLogEvents(1).Snapshot(0));
    }

    [Fact]
    public void Buffer_stays_consistent_when_written_from_several_threads()
    {
        var buffer = new RecentLogEvents(capacity: 100);
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 1000; i++)
            {
                buffer.Add(Entry((t * 1000) + i, LogLevel.Information));
            }
        });

        Assert.Equal(100, buffer.Snapshot(1000).Count);
        Assert.Equal(7900, buffer.DroppedCount);
    }

    private static RecentLogEntry Entry(int i, LogLevel level) =>
        new(DateTimeOffset.UnixEpoch.AddSeconds(i), level, "Test", $"m{i}", null);
}
