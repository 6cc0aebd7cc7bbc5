using System.Threading.Channels;
using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using ClusterExtension = PeerSync.Cluster.Host.Cluster;

namespace PeerSync.Hosting.Api.Node;

/// <summary>
/// One `GET /v1/cluster/events` subscription: subscribes to the cluster with a snapshot first and
/// writes the snapshot, then every event, into a bounded channel read by the HTTP stream. A reader
/// that falls <see cref="Capacity"/> events behind is cut off with
/// <see cref="ClusterEventsOverflowException"/> (its stream ends; a client reconnects and gets a
/// fresh snapshot) rather than holding unbounded memory or silently skipping events.
/// </summary>
internal sealed class ClusterEventsForwarder : UntypedActor
{
    /// <summary>Events a subscriber may be behind before it is cut off.</summary>
    public const int Capacity = 1024;

    private readonly ClusterExtension _cluster;
    private readonly ChannelWriter<ClusterEventView> _writer;
    private readonly string _mode;
    private readonly TimeProvider _time;

    public ClusterEventsForwarder(ClusterExtension cluster, ChannelWriter<ClusterEventView> writer, string mode, TimeProvider time)
    {
        _cluster = cluster;
        _writer = writer;
        _mode = mode;
        _time = time;
    }

    protected override void PreStart() => _cluster.Subscribe(Self, InitialStateMode.AsSnapshot);

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _writer.TryComplete();
    }

    protected override void OnReceive(object message)
    {
        var now = _time.GetUtcNow();
        switch (message)
        {
            case ClusterStateSnapshot snapshot:
                var view = ClusterViews.Cluster(snapshot, _mode);
                Write(new ClusterEventView("snapshot", null, view.Leader, view.Epoch, now, view));
                break;
            case ClusterEvent change:
                // The cluster publishes its state before the events that lead to it (Cluster.State).
                Write(ClusterViews.Event(change, _cluster.State, now));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Write(ClusterEventView view)
    {
        if (!_writer.TryWrite(view))
        {
            _writer.TryComplete(new ClusterEventsOverflowException(Capacity));
            Context.Stop(Self);
        }
    }
}
