using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PeerSync.Actors;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.Hosting.Api.Node;

/// <summary>
/// <see cref="IClusterApi"/> over a node's cluster extension: the state as this node sees it, a
/// live event stream (snapshot first, then every event, exact because the cluster actor sends
/// both), and the operator's leave and down commands. Commands are accepted, not awaited: their
/// outcome shows in the member events, as with Akka's `Cluster.Leave`.
/// </summary>
public sealed class ClusterApi : IClusterApi
{
    private readonly ClusterExtension _cluster;
    private readonly string _mode;
    private readonly TimeProvider _time;
    private volatile bool _selfLeaveRequested;

    public ClusterApi(ClusterExtension cluster, string mode, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrWhiteSpace(mode);
        ArgumentNullException.ThrowIfNull(time);
        _cluster = cluster;
        _mode = mode;
        _time = time;
    }

    /// <summary>
    /// True once an operator asked this node itself to leave (`POST /v1/cluster/leave`): its cluster
    /// part then stops as intended, and a process host ends cleanly rather than as a failure.
    /// </summary>
    public bool SelfLeaveRequested => _selfLeaveRequested;

    public ClusterView State() => ClusterViews.Cluster(_cluster.State, _mode);

    public async IAsyncEnumerable<ClusterEventView> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ClusterEventView>(new BoundedChannelOptions(ClusterEventsForwarder.Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var system = _cluster.System;
        var forwarder = system.SystemActorOf(Props.Create(() => new ClusterEventsForwarder(_cluster, channel.Writer, _mode, _time)));
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            system.Stop(forwarder);
        }
    }

    public Task<MemberCommandView> LeaveAsync(string? nodeId, CancellationToken cancellationToken)
    {
        if (nodeId is null || nodeId == _cluster.SelfNode.Id.Value)
        {
            _selfLeaveRequested = true;
            _cluster.Leave();
            return Task.FromResult(new MemberCommandView(_cluster.SelfNode.Id.Value, nameof(MemberStatus.Leaving)));
        }

        var member = Find(nodeId);
        _cluster.Leave(member.Id);
        return Task.FromResult(new MemberCommandView(member.Id.Value, nameof(MemberStatus.Leaving)));
    }

    public Task<MemberCommandView> DownAsync(string nodeId, CancellationToken cancellationToken)
    {
        var member = Find(nodeId);
        _cluster.Down(member.Id);
        return Task.FromResult(new MemberCommandView(member.Id.Value, nameof(MemberStatus.Down)));
    }

    /// <summary>The current incarnation of <paramref name="nodeId"/> among the members this node knows (not removed).</summary>
    private Member Find(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        if (!NodeId.TryParse(nodeId, out var id, out _))
        {
            throw new UnknownMemberException(nodeId);
        }

        return _cluster.State.Members
            .Where(m => m.Id == id && m.Status != MemberStatus.Removed)
            .OrderByDescending(m => m.Status == MemberStatus.Down ? 0 : 1)
            .FirstOrDefault()
            ?? throw new UnknownMemberException(nodeId);
    }
}
