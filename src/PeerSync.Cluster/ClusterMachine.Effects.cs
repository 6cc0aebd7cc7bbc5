using PeerSync.Cluster.Election;
using PeerSync.Cluster.Membership;
using PeerSync.Cluster.Protocol;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>Output buffering, and the effects the election asks for.</summary>
public sealed partial class ClusterMachine
{
    private readonly OutputBuffer _out = new();
    private readonly EffectSink _effects;

    private void Send(UniqueNode to, ClusterMessage message)
    {
        var address = _gossip.MemberOf(to)?.Address ?? _published.MemberOf(to)?.Address;
        if (address is { } a)
        {
            _out.Message(new OutboundMessage(a, to, message));
        }
        else
        {
            _out.Notice(ClusterNotice.Debug("No address known for {PeerId}; {Kind} not sent", to, message.Kind));
        }
    }

    private void SendTo(EndpointAddress address, UniqueNode? node, ClusterMessage message) =>
        _out.Message(new OutboundMessage(address, node, message));

    private sealed class OutputBuffer
    {
        private List<SingletonCommand> _singleton = [];
        private List<OutboundMessage> _messages = [];
        private List<ClusterEvent> _events = [];
        private List<ClusterNotice> _notices = [];
        private StopClusterPart? _stop;

        public bool HasAny => _singleton.Count > 0 || _messages.Count > 0 || _events.Count > 0 || _notices.Count > 0 || _stop is not null;

        public void Singleton(SingletonCommand command) => _singleton.Add(command);

        public void Message(OutboundMessage message) => _messages.Add(message);

        public void Event(ClusterEvent e) => _events.Add(e);

        public void Notice(ClusterNotice notice) => _notices.Add(notice);

        public void Stop(StopClusterPart stop) => _stop ??= stop;

        public ClusterReady Drain(long sequence)
        {
            var ready = new ClusterReady(sequence, _singleton, _messages, _events, _notices, _stop);
            _singleton = [];
            _messages = [];
            _events = [];
            _notices = [];
            _stop = null;
            return ready;
        }
    }

    private sealed class EffectSink(ClusterMachine machine) : IElectionEffects
    {
        public void Send(UniqueNode to, ClusterMessage message) => machine.Send(to, message);

        public void SingletonRun(Epoch epoch) => machine._out.Singleton(new SingletonCommand.Run(epoch));

        public void SingletonStop(Epoch epoch, string reason) => machine._out.Singleton(new SingletonCommand.Stop(epoch, reason));

        public void RecordEpoch(Epoch epoch)
        {
            if (epoch > machine._gossip.Election.MaxEpoch)
            {
                machine.ChangeGossip(election: machine._gossip.Election.WithMaxEpoch(epoch));
            }
        }

        public void RecordLeader(Epoch epoch, UniqueNode leader) =>
            machine.ChangeGossip(election: machine._gossip.Election.WithLeader(epoch, leader));

        public void HeartbeatNow() => machine._nextHeartbeatMs = machine._lastStepMs ?? 0;

        public void Notice(ClusterNotice notice) => machine._out.Notice(notice);
    }
}
