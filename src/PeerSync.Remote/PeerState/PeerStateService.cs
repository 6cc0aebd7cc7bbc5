using System.Collections.Immutable;
using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Links;

namespace PeerSync.Remote.PeerState;

/// <summary>
/// The single source of truth for each peer's connectivity (see docs/design/peer-state.md). Fed by
/// the PeerLink actors (each link reports its own state changes, in order); answers queries from
/// any thread without locking; publishes <see cref="PeerStateChanged"/> on the event stream after
/// the new status is visible to queries. Writes are serialized, and so are the events, which go out
/// in version order.
/// </summary>
public sealed class PeerStateService
{
    private readonly object _gate = new();
    private readonly EventStream _events;
    private readonly TimeProvider _time;
    private volatile ImmutableDictionary<NodeId, PeerStatus> _peers = ImmutableDictionary<NodeId, PeerStatus>.Empty;
    private long _version;

    public PeerStateService(EventStream events, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The peer's status, or null when no link to it ever existed.</summary>
    public PeerStatus? Get(NodeId peer) => _peers.TryGetValue(peer, out var status) ? status : null;

    /// <summary>The peer's state; <see cref="PeerLinkState.Disconnected"/> when no link to it exists.</summary>
    public PeerLinkState StateOf(NodeId peer) => Get(peer)?.State ?? PeerLinkState.Disconnected;

    /// <summary>Whether messages to the peer are being sent now (it is connected).</summary>
    public bool IsAvailable(NodeId peer) => StateOf(peer) == PeerLinkState.Connected;

    /// <summary>Every peer that ever had a link, with its current status.</summary>
    public IReadOnlyCollection<PeerStatus> All => _peers.Values.ToArray();

    /// <summary>The peers connected now.</summary>
    public IReadOnlyList<PeerStatus> ConnectedPeers => _peers.Values.Where(p => p.IsAvailable).OrderBy(p => p.Peer).ToArray();

    /// <summary>
    /// Records a peer's new state, then publishes <see cref="PeerStateChanged"/>. A change that
    /// alters nothing (same state and incarnation) is ignored. Callback subscribers run on the
    /// caller's thread with the service's write lock held (so events stay in order): they may query
    /// but must not block.
    /// </summary>
    public PeerStatus Update(NodeId peer, PeerLinkState state, UniqueNode? node, NodeIdentity? identity, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            var previous = Get(peer);
            if (previous is not null && previous.State == state && previous.Node == node)
            {
                return previous;
            }

            var current = new PeerStatus(
                peer,
                state,
                node ?? previous?.Node,
                identity ?? (node is null || previous?.Node == node ? previous?.Identity : null),
                ++_version,
                _time.GetUtcNow(),
                reason);
            _peers = _peers.SetItem(peer, current);
            _events.Publish(new PeerStateChanged(previous, current));
            return current;
        }
    }
}
