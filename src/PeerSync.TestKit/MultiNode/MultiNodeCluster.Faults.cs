using PeerSync.Remote.Transport.Faults;

namespace PeerSync.TestKit.MultiNode;

/// <summary>
/// Faults: link blackholes, resets, refusals and partitions, kill, pause (freeze), restart, graceful
/// stop. A link fault names two different nodes of this cluster; anything else is an
/// <see cref="ArgumentException"/> saying which.
/// </summary>
public sealed partial class MultiNodeCluster
{
    /// <summary>Every frame between the two nodes is lost (in <paramref name="direction"/>); connections stay open and silent.</summary>
    public void Blackhole(MultiNodeNode first, MultiNodeNode second, FaultDirection direction = FaultDirection.Both)
    {
        RequirePair(first, second);
        Faults.Blackhole(first.Address, second.Address, direction);
        Note($"blackhole {first.Id} {Arrow(direction)} {second.Id}");
    }

    /// <summary>
    /// Every live connection between the two nodes fails at once, as after a TCP reset: each side
    /// sees its connection lost, no goodbye crosses, what was in flight is lost. Links reconnect
    /// with their backoff right away (nothing stays broken), so the cluster should ride it out.
    /// </summary>
    /// <returns>How many connections were reset.</returns>
    public int ResetLinks(MultiNodeNode first, MultiNodeNode second)
    {
        RequirePair(first, second);
        var reset = Faults.Reset(first.Address, second.Address);
        Note($"reset links {first.Id} - {second.Id} ({reset} connection{(reset == 1 ? "" : "s")})");
        return reset;
    }

    /// <summary>
    /// Dials between the two nodes (in <paramref name="direction"/>) fail at once with "connection
    /// refused (fault injected)", as with a REJECT firewall rule; open connections are untouched.
    /// Lifted by <see cref="Heal"/> or <see cref="HealAll"/>.
    /// </summary>
    public void Refuse(MultiNodeNode first, MultiNodeNode second, FaultDirection direction = FaultDirection.Both)
    {
        RequirePair(first, second);
        Faults.Refuse(first.Address, second.Address, direction);
        Note($"refuse dials {first.Id} {Arrow(direction)} {second.Id}");
    }

    /// <summary>Removes every fault between the two nodes (blackholes, delays, drops, refusals).</summary>
    public void Heal(MultiNodeNode first, MultiNodeNode second)
    {
        RequirePair(first, second);
        Faults.Heal(first.Address, second.Address);
        Note($"heal {first.Id} - {second.Id}");
    }

    /// <summary>Blackholes every link between the two sides, both ways.</summary>
    public void Partition(IEnumerable<MultiNodeNode> sideA, IEnumerable<MultiNodeNode> sideB)
    {
        ArgumentNullException.ThrowIfNull(sideA);
        ArgumentNullException.ThrowIfNull(sideB);
        var a = sideA.ToList();
        var b = sideB.ToList();
        a.ForEach(n => RequireMember(n, nameof(sideA)));
        b.ForEach(n => RequireMember(n, nameof(sideB)));
        if (a.Intersect(b).Any())
        {
            throw new ArgumentException($"{string.Join(",", a.Intersect(b))} cannot be on both sides of a partition");
        }

        foreach (var x in a)
        {
            foreach (var y in b)
            {
                Faults.Blackhole(x.Address, y.Address);
            }
        }

        Note($"partition {string.Join(",", a)} | {string.Join(",", b)}");
    }

    /// <summary>Removes every link fault.</summary>
    public void HealAll()
    {
        Faults.HealAll();
        Note("heal all links");
    }

    /// <summary>
    /// Ends the node abruptly, as kill -9 would: nothing more leaves it (not even a goodbye on its
    /// connections, which close as lost), it does not leave the cluster, and its actor system stops.
    /// </summary>
    public async Task KillAsync(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        RequireAlive(node, "kill");
        await KillCoreAsync(node).ConfigureAwait(false);
        Note($"{node.Id} ({node.SelfNode}) killed");
    }

    /// <summary>
    /// Freezes the node as SIGSTOP would: no actor runs (mailboxes fill), nothing is sent, nothing is
    /// read; timers keep firing into the mailboxes, so on <see cref="Resume"/> it processes what queued
    /// and finds itself late. Completes when no actor of the node runs any more.
    /// </summary>
    public async Task PauseAsync(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.State != MultiNodeState.Running)
        {
            throw new InvalidOperationException($"{node.Id} is {node.State}; only a running node can be paused");
        }

        node.Transport!.Pause();
        await node.Dispatcher!.PauseAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        node.State = MultiNodeState.Paused;
        Note($"{node.Id} paused");
    }

    /// <summary>Wakes a paused node: its actors run again, what it held is sent, what waited is read.</summary>
    public void Resume(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.State != MultiNodeState.Paused)
        {
            throw new InvalidOperationException($"{node.Id} is {node.State}; only a paused node can be resumed");
        }

        node.State = MultiNodeState.Running;
        node.Dispatcher!.Resume();
        node.Transport!.Resume();
        Note($"{node.Id} resumed");
    }

    /// <summary>Kills the node if it runs, then starts it again on the same address and data directory: a new incarnation that joins.</summary>
    public async Task RestartAsync(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.IsAlive)
        {
            await KillAsync(node).ConfigureAwait(false);
        }

        await StartNodeAsync(node).ConfigureAwait(false);
    }

    /// <summary>Stops the node gracefully (<see cref="Hosting.Node.PeerSyncNode.StopAsync"/>: leave, hand over, drain).</summary>
    public async Task StopAsync(MultiNodeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        RequireAlive(node, "stop");
        if (node.State == MultiNodeState.Paused)
        {
            Resume(node);
        }

        await node.Node.StopAsync().ConfigureAwait(false);
        node.State = MultiNodeState.Stopped;
        Note($"{node.Id} ({node.SelfNode}) stopped gracefully");
    }

    private async Task KillCoreAsync(MultiNodeNode node)
    {
        var run = node.Current!;
        node.Transport!.Sever();
        node.Dispatcher!.Resume();
        node.State = MultiNodeState.Killed;
        await run.KillAsync().ConfigureAwait(false);
    }

    /// <summary>A link fault names two different nodes of this cluster.</summary>
    private void RequirePair(MultiNodeNode first, MultiNodeNode second)
    {
        RequireMember(first, nameof(first));
        RequireMember(second, nameof(second));
        if (ReferenceEquals(first, second))
        {
            throw new ArgumentException($"a link fault needs two different nodes, but both are {first.Id}", nameof(second));
        }
    }

    private void RequireMember(MultiNodeNode node, string parameter)
    {
        ArgumentNullException.ThrowIfNull(node, parameter);
        if (!_nodes.Contains(node))
        {
            throw new ArgumentException($"{node.Id} at {node.Address} is not a node of this cluster; nodes are {string.Join(", ", _nodes)}", parameter);
        }
    }

    private static void RequireAlive(MultiNodeNode node, string what)
    {
        if (!node.IsAlive)
        {
            throw new InvalidOperationException($"cannot {what} {node.Id}: it is {node.State}");
        }
    }

    private static string Arrow(FaultDirection direction) => direction switch
    {
        FaultDirection.FirstToSecond => "->",
        FaultDirection.SecondToFirst => "<-",
        _ => "<->",
    };
}
