using PeerSync.Actors;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Host;

/// <summary>
/// /system/sync/peers: the parent of the <see cref="PeerSyncActor"/>s, one per remote member, named
/// after the member's node id. It creates a peer's actor on first use and forwards
/// <see cref="ForPeer"/> messages to it in order. A failing peer actor is restarted (it recovers
/// from its journal) without disturbing the others.
/// </summary>
internal sealed class SyncPeersActor : ReceiveActor
{
    private readonly Func<NodeId, Props> _props;
    private readonly Dictionary<NodeId, IActorRef> _peers = [];

    public SyncPeersActor(Func<NodeId, Props> props)
    {
        _props = props;
        Receive<ForPeer>(f => PeerActor(f.Peer).Tell(f.Message, Sender));
    }

    private IActorRef PeerActor(NodeId peer)
    {
        if (!_peers.TryGetValue(peer, out var actor))
        {
            actor = Context.ActorOf(_props(peer), peer.Value);
            _peers[peer] = actor;
        }

        return actor;
    }
}
