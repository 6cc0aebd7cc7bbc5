using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using static PeerSync.Sync.Tests.Peers.PeerSyncMachineTests;
using static PeerSync.Sync.Tests.Support.Ids;

namespace PeerSync.Sync.Tests.Peers;

public sealed class PeerSyncStatusTests
{
    // A realistic HLC: the physical part is wall-clock milliseconds (2023-11).
    private const long Wall = 1_700_000_000_000;

    [Fact]
    public void LagMs_is_how_long_the_change_waited_here_when_the_peer_never_acknowledged_its_origin()
    {
        var machine = Active(Watermarks.Empty.With(A, H(Wall)), Watermarks.Empty, nowMs: Wall + 10);
        machine.Step(new PeerTick(), Wall + 510);

        var status = machine.Status();
        Assert.Equal([A], status.PendingOrigins);
        Assert.Equal(500, status.LagMs);
        Assert.Equal(Wall + 10, status.PendingSinceMs);
        Assert.Equal(700, machine.Status(Wall + 710).LagMs);
    }

    [Fact]
    public void LagMs_dates_the_oldest_change_above_the_acknowledgement_not_the_first_one_ever_pending()
    {
        var machine = Active(Watermarks.Empty.With(A, H(Wall)), Watermarks.Empty, nowMs: 1_000);
        machine.Step(new LocalProgressChanged(Watermarks.Empty.With(A, H(Wall + 100)), Watermarks.Empty), 1_100);
        machine.Step(new LocalProgressChanged(Watermarks.Empty.With(A, H(Wall + 200)), Watermarks.Empty), 1_200);

        // The peer acknowledges the first head: its oldest missing change arrived here at 1 100.
        machine.Step(new WatermarksReported(S1, Watermarks.Empty.With(A, H(Wall)), Watermarks.Empty), 1_300);
        Assert.Equal(200, machine.Status().LagMs);
        Assert.Equal(1_100, machine.Status().PendingSinceMs);

        machine.Step(new WatermarksReported(S1, Watermarks.Empty.With(A, H(Wall + 200)), Watermarks.Empty), 1_400);
        var caughtUp = machine.Status();
        Assert.Empty(caughtUp.PendingOrigins);
        Assert.Equal(0, caughtUp.LagMs);
        Assert.Null(caughtUp.PendingSinceMs);
    }

    [Fact]
    public void LagMs_is_zero_and_nothing_is_pending_when_the_peer_has_everything()
    {
        var machine = Active(Watermarks.Empty.With(A, H(Wall)), Watermarks.Empty.With(A, H(Wall)), nowMs: 5);
        machine.Step(new PeerTick(), 5_000);
        Assert.Equal((0L, 0), (machine.Status().LagMs, machine.Status().PendingOrigins.Count));
    }

    [Fact]
    public void A_retired_machine_reports_nothing_pending()
    {
        var machine = Active(Watermarks.Empty.With(A, H(Wall)).With(Cn, H(Wall)), Watermarks.Empty, nowMs: 5);
        machine.Step(new PeerTick(), 1_000);
        Assert.NotEmpty(machine.Status().PendingOrigins);

        machine.Step(new RetireRequested(), 2_000);
        var status = machine.Status(3_000);
        Assert.Equal(PeerPhase.Retired, status.Phase);
        Assert.Empty(status.PendingOrigins);
        Assert.Equal(0, status.LagMs);
        Assert.Null(status.PendingSinceMs);
    }
}
