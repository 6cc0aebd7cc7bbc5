using System.Globalization;
using System.Text;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster.Tests.Simulation;

/// <summary>The thin host the later actor will be: step, carry out the ready, advance, schedule the next wake; plus the invariant checks.</summary>
public sealed partial class SimCluster
{
    private void StepNode(SimNode node, ClusterInput input)
    {
        var machine = node.Machine ?? throw new InvalidOperationException($"{node.Id} was never started");
        var local = node.Local(NowMs);
        node.LastLocalMs = local;
        try
        {
            machine.Step(input, local);
        }
        catch (ClusterInvariantException e)
        {
            throw new SimInvariantException($"seed {Seed}: {node.Id} at {NowMs} ms: {e.Message}", e);
        }

        while (machine.HasReady)
        {
            var ready = machine.TakeReady();
            foreach (var command in ready.Singleton)
            {
                HandleSingleton(node, command);
            }

            foreach (var message in ready.Messages)
            {
                Send(node, message);
            }

            foreach (var e in ready.Events)
            {
                Record(node, "event", DescribeEvent(e));
            }

            if (RecordNotices)
            {
                foreach (var notice in ready.Notices.Where(n => n.Level >= NoticeLevel.Information))
                {
                    Record(node, "notice", notice.Render());
                }
            }

            if (ready.Stop is { } stop)
            {
                Record(node, "stop", stop.Reason);
            }

            machine.Advance(ready);
        }

        CheckInvariants(node);
        node.WakeGeneration++;
        if (machine.Phase != ClusterPhase.Stopped && machine.NextWakeMs != long.MaxValue)
        {
            Schedule(Math.Max(NowMs + 1, node.GlobalOf(machine.NextWakeMs)), new SimEvent.Wake(node, node.WakeGeneration));
        }
    }

    private void HandleSingleton(SimNode node, SingletonCommand command)
    {
        switch (command)
        {
            case SingletonCommand.Run run:
                foreach (var other in Nodes.Where(n => n != node && n.Alive && n.Machine!.Election is { Acting: true }))
                {
                    var otherEnd = other.GlobalOf(other.Machine!.Election!.LeaseExpiryMs);
                    if (otherEnd > NowMs)
                    {
                        throw new SimInvariantException($"seed {Seed}: {node.Id} starts the singleton for epoch {run.Epoch} at {NowMs} ms while {other.Id} holds a lease until {otherEnd} ms");
                    }
                }

                // Host-level overlap, under the documented assumption that a host stops a singleton
                // within the lease margin. A process paused past its lease breaks that assumption:
                // its singleton may run for the stop latency after it wakes (the epoch fence covers
                // it downstream), so a node that just woke is exempt here; the lease check above
                // still holds for it.
                var margin = Config.LeaseMs + Config.LeaseMarginMs;
                foreach (var other in Nodes.Where(n => n != node && n.Alive && !n.Paused && n.SingletonRunning && NowMs - n.ResumedAtMs > margin))
                {
                    throw new SimInvariantException($"seed {Seed}: {node.Id} starts the singleton at {NowMs} ms while {other.Id}'s singleton still runs");
                }

                node.SingletonRunning = true;
                Record(node, "singleton", $"run epoch {run.Epoch}");
                break;
            case SingletonCommand.Stop stop:
                Record(node, "singleton", $"stop epoch {stop.Epoch}: {stop.Reason}");
                var delay = _random.NextLong(0, Options.MaxSingletonStopDelayMs);
                var incarnation = node.Current!.Value;

                // The singleton stops after a delay; only then does the host confirm.
                Schedule(NowMs + delay, new SimEvent.Scripted($"{node.Id} singleton stopped", () =>
                {
                    if (node.Alive && node.Current == incarnation)
                    {
                        node.SingletonRunning = false;
                    }
                }));
                Schedule(NowMs + delay, new SimEvent.SingletonStopped(node, incarnation));
                break;
        }
    }

    private void CheckInvariants(SimNode node)
    {
        if (node.Machine?.Election is { Acting: true } acting && acting.LeaseExpiryMs <= node.LastLocalMs)
        {
            throw new SimInvariantException($"seed {Seed}: {node.Id} still acts at local {node.LastLocalMs} ms after its lease lapsed at {acting.LeaseExpiryMs} ms");
        }

        if (node.Machine?.Election is { } election && election.Role is ElectionRole.Leader or ElectionRole.SteppingDown)
        {
            var self = node.Current!.Value;
            if (_leaders.TryGetValue(election.LeaderEpoch, out var existing) && existing != self)
            {
                throw new SimInvariantException($"seed {Seed}: two leaders in epoch {election.LeaderEpoch}: {Format(existing)} and {Format(self)} (at {NowMs} ms)");
            }

            _leaders[election.LeaderEpoch] = self;
        }
    }

    /// <summary>Every epoch that had a leader, and who.</summary>
    public IReadOnlyDictionary<Epoch, UniqueNode> LeadersByEpoch => _leaders;

    private void Record(SimNode node, string kind, string text)
    {
        var record = new SimRecord(NowMs, node.Id, kind, text);
        Records.Add(record);
        Hash($"{NowMs} {node.Id} {kind} {text}\n");
    }

    private void RecordGlobal(string kind, string text)
    {
        Records.Add(new SimRecord(NowMs, default, kind, text));
        Hash($"{NowMs} - {kind} {text}\n");
    }

    private void Hash(string line)
    {
        foreach (var b in Encoding.UTF8.GetBytes(line))
        {
            _traceHash = (_traceHash ^ b) * 1099511628211UL;
        }
    }

    public static string DescribeEvent(ClusterEvent e) => e switch
    {
        ClusterEvent.MemberJoined j => "MemberJoined " + Format(j.Member.Node),
        ClusterEvent.MemberUp u => "MemberUp " + Format(u.Member.Node),
        ClusterEvent.MemberLeft l => "MemberLeft " + Format(l.Member.Node),
        ClusterEvent.MemberExited x => "MemberExited " + Format(x.Member.Node),
        ClusterEvent.MemberDowned d => "MemberDowned " + Format(d.Member.Node),
        ClusterEvent.MemberRemoved r => "MemberRemoved " + Format(r.Member.Node) + " (was " + r.PreviousStatus + ")",
        ClusterEvent.UnreachableMember u => "UnreachableMember " + Format(u.Member.Node),
        ClusterEvent.ReachableMember r => "ReachableMember " + Format(r.Member.Node),
        ClusterEvent.LeaderChanged c => "LeaderChanged " + Format(c.Leader) + " epoch " + c.Epoch.Value.ToString(CultureInfo.InvariantCulture),
        _ => e.GetType().Name,
    };
}
