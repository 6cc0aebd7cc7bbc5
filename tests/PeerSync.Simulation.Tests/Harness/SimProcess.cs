using System.Globalization;
using PeerSync.Cluster;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>
/// One simulated process: a node id, address and <see cref="SimDisk"/> that survive restarts; per
/// boot a <see cref="ClusterMachine"/> (a new incarnation) and a <see cref="SyncHost"/>. This class
/// is the cluster half of the host (step, carry out the ready, advance, wake at NextWakeMs, exactly as
/// ClusterActor does) and the wiring of member events into sync (docs/design/sync.md, "Host wiring").
/// </summary>
internal sealed class SimProcess
{
    private readonly SimWorld _world;
    private bool _joinedReported;

    public SimProcess(SimWorld world, NodeId id, EndpointAddress address, SimDisk disk)
    {
        _world = world;
        Id = id;
        Address = address;
        Disk = disk;
        Sync = new SyncHost(world, this);
    }

    public NodeId Id { get; }

    public EndpointAddress Address { get; }

    public SimDisk Disk { get; }

    public SyncHost Sync { get; }

    public ClusterMachine? Machine { get; private set; }

    public bool Alive { get; private set; }

    /// <summary>Increases at every start; events of an earlier boot are void.</summary>
    public long Boot { get; private set; }

    /// <summary>This process's clock offset from true (virtual) time; it may change across a restart.</summary>
    public long SkewMs { get; set; }

    public long LocalMs => _world.NowMs + SkewMs;

    public UniqueNode Incarnation => Machine?.Self ?? default;

    public long WakeGeneration { get; private set; }

    public bool SingletonRunning { get; private set; }

    /// <summary>A member of the cluster it joined, with self status Up: it takes writes and may prune.</summary>
    public bool IsUpMember =>
        Alive && Machine is { Phase: ClusterPhase.Member } m && m.CurrentState.MemberOf(m.Self)?.Status == MemberStatus.Up;

    public void Start()
    {
        Boot++;
        Disk.Incarnations++;
        Alive = true;
        SingletonRunning = false;
        _joinedReported = false;
        var self = new ClusterSelf(new UniqueNode(Id, new Incarnation(Disk.Incarnations)), Address, [], LocalMs);
        Machine = new ClusterMachine(_world.ClusterConfig, self, (_world.Seed * 31) + Sim.StableHash(Id.Value) + Disk.Incarnations);
        _world.Trace($"{Id} started as {Format(self.Node)} skew {SkewMs.ToString(CultureInfo.InvariantCulture)} ms");
        Sync.Start(_world.NowMs);
        _world.Checks.AfterStart(this);
        _world.Schedule(_world.NowMs + _world.Settings.SyncTickMs, new SimEvent.SyncTick(this, Boot));
        Step(new ClusterInput.JoinSeedNodes());
    }

    /// <summary>Abrupt stop: everything in memory is lost, the disk stays.</summary>
    public void Crash(string why)
    {
        if (!Alive)
        {
            return;
        }

        Alive = false;
        SingletonRunning = false;
        Sync.Crash();
        _world.Trace($"{Id} crashed ({why})");
        _world.UpdateSessions();
    }

    public void ReceiveCluster(ClusterEnvelope envelope) => Step(new ClusterInput.MessageReceived(envelope));

    public void Input(ClusterInput input)
    {
        if (Alive)
        {
            Step(input);
        }
    }

    public void Wake(long generation)
    {
        if (Alive && generation == WakeGeneration)
        {
            Step(new ClusterInput.Tick());
        }
    }

    public void SingletonStopped(long boot)
    {
        if (Alive && boot == Boot)
        {
            SingletonRunning = false;
            Step(new ClusterInput.SingletonStopped());
        }
    }

    public void SyncTick(long boot)
    {
        if (!Alive || boot != Boot)
        {
            return;
        }

        Sync.Tick(_world.NowMs);
        _world.Schedule(_world.NowMs + _world.Settings.SyncTickMs, new SimEvent.SyncTick(this, Boot));
    }

    /// <summary>The sync host may hold a session with <paramref name="peer"/>: both in the cluster, the peer Up and reachable here.</summary>
    public bool WantsSyncWith(NodeId peer)
    {
        if (!Alive || Machine is not { Phase: ClusterPhase.Member } machine || !Sync.HasLivePeer(peer))
        {
            return false;
        }

        var state = machine.CurrentState;
        var member = state.Members.FirstOrDefault(m => m.Id == peer);
        return member is { Status: MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting } && !state.Unreachable.Contains(member.Node);
    }

    private void Step(ClusterInput input)
    {
        var machine = Machine!;
        try
        {
            machine.Step(input, LocalMs);
        }
        catch (ClusterInvariantException e)
        {
            throw _world.Fail($"{Id}: cluster invariant: {e.Message}");
        }

        var membershipChanged = false;
        while (machine.HasReady)
        {
            var ready = machine.TakeReady();
            foreach (var command in ready.Singleton)
            {
                Singleton(command);
            }

            foreach (var message in ready.Messages)
            {
                _world.SendCluster(this, message);
            }

            foreach (var e in ready.Events)
            {
                membershipChanged = true;
                _world.Trace($"{Id} {Describe(e)}");
                Wire(e);
            }

            foreach (var notice in ready.Notices.Where(n => n.Level >= NoticeLevel.Information))
            {
                _world.Trace($"{Id} {notice.Level}: {notice.Render()}");
            }

            if (ready.Stop is { } stop)
            {
                membershipChanged = true;
                _world.Trace($"{Id} cluster part stops: {stop.Reason}");
                ScheduleSupervisorRestart();
            }

            machine.Advance(ready);
        }

        _world.Checks.AfterClusterStep(this);
        if (!_joinedReported && machine.Phase == ClusterPhase.Member)
        {
            // The first membership this boot knows: journals of nodes that are no longer members
            // retire (they were removed while this process was down).
            _joinedReported = true;
            Sync.JoinedCluster(machine.CurrentState.Members.Select(m => m.Id).ToHashSet(), _world.NowMs);
        }

        if (membershipChanged)
        {
            _world.UpdateSessions();
        }

        WakeGeneration++;
        if (machine.Phase != ClusterPhase.Stopped && machine.NextWakeMs != long.MaxValue)
        {
            _world.Schedule(Math.Max(_world.NowMs + 1, machine.NextWakeMs - SkewMs), new SimEvent.ClusterWake(this, WakeGeneration));
        }
    }

    /// <summary>Member events drive sync: MemberUp → a peer machine; MemberRemoved → retire it; leader → backfill's preferred source.</summary>
    private void Wire(ClusterEvent e)
    {
        switch (e)
        {
            case ClusterEvent.MemberUp up when up.Member.Id != Id:
                Sync.MemberUp(up.Member.Node, _world.NowMs);
                break;
            case ClusterEvent.MemberRemoved removed when removed.Member.Id != Id:
                Sync.MemberRemoved(removed.Member.Node, _world.NowMs);
                break;
            case ClusterEvent.LeaderChanged leader:
                Sync.LeaderChanged(leader.Leader?.Id, _world.NowMs);
                break;
        }
    }

    private void Singleton(SingletonCommand command)
    {
        switch (command)
        {
            case SingletonCommand.Run run:
                _world.Checks.SingletonStarts(this, run.Epoch);
                SingletonRunning = true;
                _world.Trace($"{Id} singleton run epoch {run.Epoch}");
                break;
            case SingletonCommand.Stop stop:
                _world.Trace($"{Id} singleton stop epoch {stop.Epoch}: {stop.Reason}");
                _world.Schedule(_world.NowMs + _world.Random.NextLong(0, 50), new SimEvent.SingletonStopped(this, Boot));
                break;
        }
    }

    /// <summary>
    /// Like systemd restarting a node whose cluster part stopped (downed, removed): the process exits
    /// and starts again as a new incarnation, keeping its data. It waits for a whole network, since a
    /// first seed restarting behind a partition legitimately forms a second cluster (membership.md).
    /// </summary>
    private void ScheduleSupervisorRestart()
    {
        var boot = Boot;
        _world.After(_world.Settings.SupervisorRestartMs, $"{Id} supervisor", () =>
        {
            if (Boot == boot && Alive)
            {
                Crash("cluster part stopped");
                _world.RestartWhenWhole(this);
            }
        });
    }

    public static string Format(UniqueNode node) => node.Id + "#" + node.Incarnation.Value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(ClusterEvent e) => e switch
    {
        ClusterEvent.MemberJoined j => "MemberJoined " + Format(j.Member.Node),
        ClusterEvent.MemberUp u => "MemberUp " + Format(u.Member.Node),
        ClusterEvent.MemberLeft l => "MemberLeft " + Format(l.Member.Node),
        ClusterEvent.MemberExited x => "MemberExited " + Format(x.Member.Node),
        ClusterEvent.MemberDowned d => "MemberDowned " + Format(d.Member.Node),
        ClusterEvent.MemberRemoved r => "MemberRemoved " + Format(r.Member.Node),
        ClusterEvent.UnreachableMember u => "Unreachable " + Format(u.Member.Node),
        ClusterEvent.ReachableMember r => "Reachable " + Format(r.Member.Node),
        ClusterEvent.LeaderChanged c => "LeaderChanged " + (c.Leader is { } l ? Format(l) : "none") + " epoch " + c.Epoch,
        _ => e.GetType().Name,
    };
}
