using System.Text;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;
using Xunit.Sdk;

namespace PeerSync.TestKit.MultiNode;

/// <summary>
/// Await helpers: poll the nodes' cluster state (every 20 ms, real time) until a condition holds,
/// for at most a timeout (default <see cref="MultiNodeOptions.DefaultTimeout"/>, dilated by
/// PEERSYNC_TEST_TIME_FACTOR); on timeout they fail with every node's view. Each returns how long
/// it waited, for the test output (tests assert order and generous bounds, never tight timings).
/// </summary>
public sealed partial class MultiNodeCluster
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The nodes that run and whose cluster part has not stopped (the default observers).</summary>
    public IReadOnlyList<MultiNodeNode> LiveMembers => _nodes.Where(n => n.State == MultiNodeState.Running && !n.Cluster.IsStopped).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public async Task<TimeSpan> AwaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var max = timeout ?? KitSettings.Dilated(Options.DefaultTimeout);
        var start = Elapsed;
        while (true)
        {
            if (Check(condition))
            {
                return Elapsed - start;
            }

            if (Elapsed - start >= max)
            {
                throw new XunitException($"{what}: not within {max.TotalSeconds:0.#} s\n{Describe()}");
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Every observer sees exactly <paramref name="count"/> members, all Up, none unreachable.</summary>
    public Task<TimeSpan> AwaitMembersUpAsync(int count, IEnumerable<MultiNodeNode>? observers = null, TimeSpan? timeout = null)
    {
        var on = observers?.ToList();
        return AwaitAsync(
            () => (on ?? LiveMembers).All(n => n.Cluster.State is var s && s.Members.Length == count && s.Members.All(m => m.Status == MemberStatus.Up) && s.Unreachable.IsEmpty),
            $"{count} members Up",
            timeout);
    }

    /// <summary>
    /// Every observer names the same leader in the same epoch (other than <paramref name="otherThan"/>,
    /// e.g. a leader just killed that followers still report until their lease wait ends); returns it.
    /// </summary>
    public async Task<UniqueNode> AwaitLeaderAgreedAsync(IEnumerable<MultiNodeNode>? observers = null, TimeSpan? timeout = null, UniqueNode? otherThan = null)
    {
        var on = observers?.ToList();
        UniqueNode? agreed = null;
        await AwaitAsync(
            () =>
            {
                var views = (on ?? LiveMembers).Select(n => (n.Cluster.Leader, n.Cluster.LeaderEpoch)).Distinct().ToList();
                agreed = views.Count == 1 && views[0].Leader != otherThan ? views[0].Leader : null;
                return agreed is not null;
            },
            otherThan is null ? "the leader agreed" : $"a leader other than {otherThan} agreed",
            timeout).ConfigureAwait(false);
        return agreed!.Value;
    }

    /// <summary>Every observer sees <paramref name="target"/>'s latest incarnation as unreachable.</summary>
    public Task<TimeSpan> AwaitUnreachableAsync(MultiNodeNode target, IEnumerable<MultiNodeNode>? observers = null, TimeSpan? timeout = null)
    {
        var on = observers?.ToList();
        var node = target.SelfNode;
        return AwaitAsync(() => (on ?? Others(target)).All(n => n.Cluster.State.Unreachable.Contains(node)), $"{node} unreachable", timeout);
    }

    /// <summary>Every observer sees <paramref name="target"/>'s latest incarnation Down (or already removed).</summary>
    public Task<TimeSpan> AwaitDownedAsync(MultiNodeNode target, IEnumerable<MultiNodeNode>? observers = null, TimeSpan? timeout = null)
    {
        var on = observers?.ToList();
        var node = target.SelfNode;
        return AwaitAsync(
            () => (on ?? Others(target)).All(n => n.Cluster.State.MemberOf(node) is null or { Status: MemberStatus.Down }),
            $"{node} downed",
            timeout);
    }

    /// <summary>No observer has <paramref name="target"/>'s latest incarnation among its members any more.</summary>
    public Task<TimeSpan> AwaitRemovedAsync(MultiNodeNode target, IEnumerable<MultiNodeNode>? observers = null, TimeSpan? timeout = null)
    {
        var on = observers?.ToList();
        var node = target.SelfNode;
        return AwaitAsync(() => (on ?? Others(target)).All(n => n.Cluster.State.MemberOf(node) is null), $"{node} removed", timeout);
    }

    /// <summary>The cluster part of <paramref name="node"/>'s current run has stopped.</summary>
    public Task<TimeSpan> AwaitClusterPartStoppedAsync(MultiNodeNode node, TimeSpan? timeout = null) =>
        AwaitAsync(() => node.IsAlive && node.Cluster.IsStopped, $"{node.Id}'s cluster part stopped", timeout);

    /// <summary>The given nodes (default: the live members) all see each other Up and agree on the leader (in leader mode).</summary>
    public async Task<TimeSpan> AwaitConvergenceAsync(IEnumerable<MultiNodeNode>? nodes = null, TimeSpan? timeout = null)
    {
        var on = (nodes ?? LiveMembers).ToList();
        var took = await AwaitMembersUpAsync(on.Count, on, timeout).ConfigureAwait(false);
        if (on[0].Cluster.Settings.Config.ElectionMode == PeerSync.Cluster.Election.ElectionMode.Leader)
        {
            var start = Elapsed;
            await AwaitLeaderAgreedAsync(on, timeout).ConfigureAwait(false);
            took += Elapsed - start;
        }

        return took;
    }

    /// <summary>Every node's view, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            text.Append(node.Id).Append(' ').Append(node.State);
            if (node.IsAlive)
            {
                var cluster = node.Cluster;
                var state = cluster.State;
                text.Append($" as {cluster.SelfNode}: leader {cluster.Leader?.ToString() ?? "none"} epoch {cluster.LeaderEpoch}");
                if (cluster.StopReason is { } reason)
                {
                    text.Append($" STOPPED ({reason})");
                }

                text.Append(" members [").AppendJoin(", ", state.Members.Select(m => $"{m.Node}:{m.Status}{(state.Unreachable.Contains(m.Node) ? " unreachable" : "")}")).Append(']');
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private IEnumerable<MultiNodeNode> Others(MultiNodeNode target) => LiveMembers.Where(n => n != target);

    private static bool Check(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (InvalidOperationException)
        {
            // A node changed state (killed, restarted) while the condition looked at it: not yet.
            return false;
        }
    }
}
