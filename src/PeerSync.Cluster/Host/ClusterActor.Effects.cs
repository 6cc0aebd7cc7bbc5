using PeerSync.Actors;
using PeerSync.Cluster.Host.Wire;
using PeerSync.Cluster.Membership;

namespace PeerSync.Cluster.Host;

/// <summary>Carrying out a ready: singleton commands, sends, events (and the links that follow membership), notices, stop.</summary>
internal sealed partial class ClusterActor
{
    private void CarryOut(ClusterReady ready)
    {
        // Singleton commands first: a stop must not wait behind sends (ClusterReady's contract).
        foreach (var command in ready.Singleton)
        {
            switch (command)
            {
                case SingletonCommand.Run run:
                    _singletons?.Tell(new RunSingletons(run.Epoch), Self);
                    break;
                case SingletonCommand.Stop stopSingleton:
                    _singletons?.Tell(new StopSingletons(stopSingleton.Epoch, stopSingleton.Reason), Self);
                    break;
            }
        }

        foreach (var message in ready.Messages)
        {
            var envelope = new Protocol.ClusterEnvelope(_self.Node, _self.Address, message.Message);
            _network.Send(message.To, new ClusterDelivery(message.ToNode, envelope), Self);
        }

        if (ready.Events.Count > 0)
        {
            // The state queries return must already include what the events announce.
            _cluster.Publish(_machine.CurrentState);
            foreach (var e in ready.Events)
            {
                FollowMembership(e);
                Context.System.EventStream.Publish(e);
                Notify(e);
            }
        }

        foreach (var notice in ready.Notices)
        {
            NoticeLog.Log(Log, notice);
        }

        if (ready.Stop is { } stopPart)
        {
            StopClusterPart(stopPart.Reason);
        }
    }

    /// <summary>
    /// Links follow membership: a member that joins or comes up gets a link that reconnects on its
    /// own; a removed member's incarnation is quarantined (its link closes, watchers of its actors
    /// get Terminated). A downed member keeps its link until it is removed, so the gossip that tells
    /// it it was downed can still reach it.
    /// </summary>
    private void FollowMembership(ClusterEvent e)
    {
        switch (e)
        {
            case ClusterEvent.MemberJoined { Member: var joined } when joined.Node != _self.Node:
                _network.Connect(joined.Address);
                break;
            case ClusterEvent.MemberUp { Member: var up } when up.Node != _self.Node:
                _network.Connect(up.Address);
                break;
            case ClusterEvent.MemberRemoved { Member: var removed } when removed.Node != _self.Node:
                _network.NodeRemoved(removed.Node);
                break;
        }
    }

    private void StopClusterPart(string reason)
    {
        if (_stopped is not null)
        {
            return;
        }

        _stopped = new ClusterPartStopped(_self.Node, reason);
        Timers.Cancel(WakeTimer);

        // The machine asked to stop an acting singleton already; this also covers a host failure,
        // where nothing more will come from the machine.
        _singletons?.Tell(new StopSingletons(Election.Epoch.None, reason), Self);

        // A stop the machine decided has already published "no leader"; one the host decided (an
        // invariant, a host failure) must say it too, since this node no longer acts on anything.
        var state = _machine.CurrentState;
        if (state.Leader is not null)
        {
            state = state with { Leader = null, LeaderEpoch = Election.Epoch.None };
            _cluster.Publish(state);
            var noLeader = new ClusterEvent.LeaderChanged(null, Election.Epoch.None);
            Context.System.EventStream.Publish(noLeader);
            Notify(noLeader);
        }

        _cluster.Publish(state);
        _cluster.MarkStopped(reason);
        Context.System.EventStream.Publish(_stopped);
        Notify(_stopped);
    }
}
