using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PeerSync.Hosting.Api;

namespace PeerSync.Node.Tests.Http.Fakes;

/// <summary>Three members (n3 unreachable); events the test publishes after each subscriber's snapshot.</summary>
internal sealed class FakeClusterApi : IClusterApi
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ClusterEventView>> _subscribers = [];

    public static MemberView N1 { get; } = new("n1", "127.0.0.1:4053", "Up", true, ["hub"], FakePeerSyncApi.Started, "1a2b");

    public static MemberView N2 { get; } = new("n2", "127.0.0.1:4054", "Up", true, [], FakePeerSyncApi.Started.AddSeconds(5), "3c4d");

    public static MemberView N3 { get; } = new("n3", "127.0.0.1:4055", "Up", false, ["edge", "hub"], FakePeerSyncApi.Started.AddSeconds(9), "5e6f");

    public ClusterView Current { get; set; } = new("n1", "n1", 4, "leader", [N1, N2, N3]);

    public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SubscriptionEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<(string Command, string? Id)> Commands { get; } = [];

    public ClusterView State() => Current;

    public void Publish(ClusterEventView change)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(change);
            }
        }
    }

    public async IAsyncEnumerable<ClusterEventView> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ClusterEventView>();
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            yield return new ClusterEventView("snapshot", null, Current.Leader, Current.Epoch, FakePeerSyncApi.Started, Current);
            Subscribed.TrySetResult();
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }

            SubscriptionEnded.TrySetResult();
        }
    }

    public Task<MemberCommandView> LeaveAsync(string? nodeId, CancellationToken cancellationToken)
    {
        Commands.Add(("leave", nodeId));
        var id = nodeId ?? Current.Self;
        return Known(id) ? Task.FromResult(new MemberCommandView(id, "Leaving")) : throw new UnknownMemberException(id);
    }

    public Task<MemberCommandView> DownAsync(string nodeId, CancellationToken cancellationToken)
    {
        Commands.Add(("down", nodeId));
        return Known(nodeId) ? Task.FromResult(new MemberCommandView(nodeId, "Down")) : throw new UnknownMemberException(nodeId);
    }

    private bool Known(string id) => Current.Members.Any(m => m.Id == id);
}
