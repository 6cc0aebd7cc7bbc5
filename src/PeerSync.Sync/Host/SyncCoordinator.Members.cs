using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Links;
using PeerSync.Remote.PeerState;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Protocol;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

internal sealed partial class SyncCoordinator
{
    /// <summary>
    /// Both ends of a session derive the same id from the two runs (incarnations), so a message of
    /// an earlier run of either side never counts in a later session.
    /// </summary>
    internal static SyncSessionId SessionFor(UniqueNode a, UniqueNode b)
    {
        var (low, high) = string.CompareOrdinal(a.Id.Value, b.Id.Value) <= 0 ? (a, b) : (b, a);
        var x = low.Incarnation.Value * 0x9E3779B97F4A7C15UL ^ high.Incarnation.Value;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        return new SyncSessionId(x == 0 ? 1 : x);
    }

    private PeerEntry Entry(NodeId id)
    {
        if (!_peers.TryGetValue(id, out var entry))
        {
            _peers[id] = entry = new PeerEntry(id);
        }

        return entry;
    }

    private async Task OnClusterEventAsync(ClusterEvent e)
    {
        switch (e)
        {
            case ClusterEvent.MemberUp up when up.Member.Node == _self:
                _selfUp = true;
                await ArmBackfillAsync().ConfigureAwait(true);
                RetireJournaledNonMembers();
                break;
            case ClusterEvent.MemberUp up:
                OnMemberUp(up.Member);
                break;
            case ClusterEvent.MemberRemoved removed when removed.Member.Node != _self && Entry(removed.Member.Id).Member?.Node == removed.Member.Node:
                // Retired only after a grace period (see RetireRemovedPeers): a restarted node is
                // removed as its old incarnation just before it joins again, and must find its queue.
                var entry = Entry(removed.Member.Id);
                entry.Member = null;
                entry.RemovedAtMs = NowMs;
                UpdateSession(entry);
                StepBackfill(new BackfillPeerUnavailable(entry.Id), NowMs);
                break;
            case ClusterEvent.LeaderChanged leader:
                StepBackfill(new BackfillLeaderChanged(leader.Leader?.Id == _self.Id ? null : leader.Leader?.Id), NowMs);
                break;
        }

        await DrainAsync().ConfigureAwait(true);
    }

    private void OnMemberUp(Member member)
    {
        var entry = Entry(member.Id);
        if (entry.Member is { } current && current.Node.Incarnation == member.Node.Incarnation)
        {
            return;
        }

        entry.RemovedAtMs = null;
        if (entry.Report is { Retired: true })
        {
            // Removed earlier, a member again: its old acknowledgements must not count.
            TellPeer(entry.Id, RevivePeer.Instance);
            entry.Report = null;
        }

        entry.HasActor = true;
        entry.Member = member;

        // A member counts as reachable for the backfill decision from now on: a starting node waits
        // (up to the settle time) to hear from it rather than decide alone before its session starts.
        StepBackfill(new BackfillPeerAvailable(member.Id), NowMs);
        if (Context.System.Remoting().PeerStates.Get(member.Id) is { State: PeerLinkState.Connected, Node: { } linked })
        {
            entry.Link = linked;
        }

        UpdateSession(entry);
    }

    /// <summary>
    /// This node's own link to the peer, not the cluster's reachability: a member another node
    /// cannot reach is still a peer this node can sync with (and forward to), which is how changes
    /// travel around a partial partition. A link that stays up but goes silent (blackhole) is the
    /// peer machine's business: timeouts, backoff, a stall that reopens the link.
    /// </summary>
    private async Task OnLinkChangedAsync(PeerStateChanged changed)
    {
        var current = changed.Current;
        if (current.Peer == _self.Id)
        {
            return;
        }

        var entry = Entry(current.Peer);
        entry.Link = current.State == PeerLinkState.Connected ? current.Node : null;
        UpdateSession(entry);
        await DrainAsync().ConfigureAwait(true);
    }

    /// <summary>
    /// This node is Up: the backfill machine starts deciding. If no session has fed it yet, it is
    /// made afresh now, so its settle time counts from the join rather than from the process start.
    /// </summary>
    private async Task ArmBackfillAsync()
    {
        if (_backfillArmed)
        {
            return;
        }

        if (_backfill.Phase is BackfillPhase.Uninitialized or BackfillPhase.CatchingUp)
        {
            // Deciding phases hold nothing but what they heard: hand it to the fresh machine again.
            _backfill = new BackfillMachine(_config.Backfill, await _store.ReadProgressAsync().ConfigureAwait(true), NowMs);
        }

        // The members first, so that no input is evaluated as if this node were alone; then what
        // arrived while it joined, in order.
        _backfillArmed = true;
        foreach (var peer in _peers.Values.Where(p => p.Member is not null))
        {
            _backfill.Step(new BackfillPeerAvailable(peer.Id), NowMs);
        }

        foreach (var input in _backfillEarly)
        {
            _backfill.Step(input, NowMs);
        }

        _backfillEarly.Clear();
    }

    /// <summary>Steps the backfill machine, or keeps the input until this node is Up (see <see cref="ArmBackfillAsync"/>).</summary>
    private void StepBackfill(BackfillInput input, long nowMs)
    {
        if (_backfillArmed)
        {
            _backfill.Step(input, nowMs);
        }
        else if (input is not BackfillTick)
        {
            _backfillEarly.Add(input);
        }
    }

    /// <summary>
    /// A peer journal of a node that is no longer a member: it was removed while this node was
    /// down. Its machine is recovered and retired, so its origin keeps holding tombstones back for
    /// the retention, and its acknowledgements no longer hold the log.
    /// </summary>
    private void RetireJournaledNonMembers()
    {
        var members = Context.System.Cluster().State.Members.Select(m => m.Id).ToHashSet();
        foreach (var peer in _journaledPeers.Where(p => p != _self.Id && !members.Contains(p)))
        {
            var entry = Entry(peer);
            if (entry.Member is null)
            {
                entry.HasActor = true;
                StepPeer(peer, new RetireRequested());
            }
        }
    }

    /// <summary>Members removed longer than the grace period ago (and not back) are retired: pruning stops waiting for them.</summary>
    private void RetireRemovedPeers()
    {
        var now = NowMs;
        foreach (var entry in _peers.Values.Where(p => p.Member is null && p.RemovedAtMs is { } at && now - at >= (long)_settings.RetireAfterRemoval.TotalMilliseconds))
        {
            entry.RemovedAtMs = null;
            StepPeer(entry.Id, new RetireRequested());
        }
    }

    /// <summary>A session runs while the peer is a member (Up, not yet removed) and this node's link is connected to that run.</summary>
    private void UpdateSession(PeerEntry entry)
    {
        var member = entry.Member;
        var shouldRun = member is not null && entry.Link == member.Node;
        if (shouldRun)
        {
            var session = SessionFor(_self, member!.Node);
            if (entry.SessionUp && entry.Session == session)
            {
                return;
            }

            entry.Session = session;
            entry.SessionUp = true;
            entry.Remote = RemoteCoordinator(member);
            entry.PeerBackfilling = false;
            TellPeer(entry.Id, new StartPeerSession(member.Node, entry.Remote, new PeerConnected(session, LocalState())));
            StepBackfill(new BackfillPeerAvailable(entry.Id), NowMs);
            ReplayEarly(entry, member.Node);
        }
        else if (entry.SessionUp)
        {
            entry.SessionUp = false;
            StepPeer(entry.Id, new PeerDisconnected());
            StepBackfill(new BackfillPeerUnavailable(entry.Id), NowMs);
            _antiEntropy.Step(new AntiEntropyPeerUnavailable(entry.Id), NowMs);
        }
    }

    private IActorRef RemoteCoordinator(Member member)
    {
        var address = new Address(Address.LocalProtocol, Context.System.Name, member.Address.Host, member.Address.Port);
        return Context.System.Remoting().ResolveRef(address + SyncHost.ActorPath);
    }

    private void ReplayEarly(PeerEntry entry, UniqueNode run)
    {
        var early = entry.Early.ToList();
        entry.Early.Clear();
        foreach (var (from, message) in early.Where(m => m.From == run))
        {
            Self.Tell(new Replayed(from, message), Self);
        }
    }

    private async Task OnDeliveryAsync(V1.SyncDelivery delivery)
    {
        UniqueNode from;
        SyncInbound message;
        try
        {
            from = SyncWire.Sender(delivery);
            message = SyncWire.Decode(delivery.Envelope);
        }
        catch (SyncProtocolException e)
        {
            SyncHostLog.InvalidMessage(Log, _self.Id, delivery.FromNode, e.Message);
            return;
        }

        if (delivery.ToIncarnation != _self.Incarnation.Value || from.Id == _self.Id)
        {
            // Meant for an earlier run of this node (or looped back): nothing here can use it.
            return;
        }

        await ReceiveAsync(from, message).ConfigureAwait(true);
    }

    private async Task ReceiveAsync(UniqueNode from, SyncInbound message)
    {
        var entry = Entry(from.Id);
        if (!entry.SessionUp || entry.Member?.Node != from)
        {
            if (entry.Member is { } known && known.Node.Incarnation != from.Incarnation && known.Node.Incarnation.Value > 0 && entry.SessionUp)
            {
                // An older run of a peer that restarted: its messages are stale.
                return;
            }

            entry.Early.Enqueue((from, message));
            if (entry.Early.Count > _settings.EarlyMessageLimit)
            {
                entry.Early.Dequeue();
                SyncHostLog.EarlyBufferFull(Log, _self.Id, from.Id, entry.Early.Count);
            }

            return;
        }

        await HandleAsync(entry, message).ConfigureAwait(true);
        await DrainAsync().ConfigureAwait(true);
    }

    private void SendTo(PeerEntry entry, V1.SyncEnvelope envelope)
    {
        if (entry.Remote is { } remote && entry.Member is { } member)
        {
            remote.Tell(SyncWire.Deliver(_self, member.Node, envelope), Self);
        }
    }

    private void SendTo(NodeId peer, V1.SyncEnvelope envelope)
    {
        if (_peers.TryGetValue(peer, out var entry) && entry.SessionUp)
        {
            SendTo(entry, envelope);
        }
    }

    private async Task OnPeerReportAsync(PeerReport report)
    {
        var entry = Entry(report.Peer);
        entry.HasActor = true;
        entry.Report = report;
        Publish();
        await CheckFlushAsync(deadlinePassed: false).ConfigureAwait(true);
    }

    private async Task OnPeerNoticeAsync(PeerNoticeForHost notice)
    {
        switch (notice.Notice)
        {
            case PeerStalled when _peers.TryGetValue(notice.Peer, out var entry) && entry.Member is { } member:
                // Close the link and dial again: the session ends now and starts afresh once the new link is up.
                var remoting = Context.System.Remoting();
                if (!remoting.IsShuttingDown)
                {
                    remoting.Disconnect(notice.Peer, "sync peer stalled");
                    remoting.Connect(member.Address);
                }

                entry.Link = null;
                UpdateSession(entry);
                break;
            case PeerAheadOfOwnStream ahead:
                _clock.Receive(ahead.PeerPosition, _time.PhysicalMs());
                break;
        }

        await DrainAsync().ConfigureAwait(true);
    }

    /// <summary>An early message, handed back once its session started.</summary>
    private sealed record Replayed(UniqueNode From, SyncInbound Message);
}
