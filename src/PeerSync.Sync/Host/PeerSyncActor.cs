using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Persistence;
using PeerSync.Persistence.Model;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Protocol;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

/// <summary>
/// Hosts one <see cref="PeerSyncMachine"/> at /system/sync/peers/&lt;node&gt; (docs/design/sync.md,
/// "Host"). Persistent: the machine's events (the peer's data epoch, its acknowledged watermarks,
/// its retirement) go to the journal as <see cref="V1.PeerSyncEvent"/>, with a snapshot every
/// <see cref="SnapshotEvery"/> events; the outbound queue is implied by the acknowledgements
/// (references into the change log), so nothing else is stored. Thin: every decision is the machine's.
/// Events are persisted without holding commands: an acknowledgement lost in a crash only means a
/// few changes are sent again (the receiver skips them), and the peer's hello is authoritative anyway.
/// </summary>
internal sealed class PeerSyncActor : PersistentActor
{
    /// <summary>Journal events between snapshots (each snapshot lets the journal before it go).</summary>
    public const int SnapshotEvery = 500;

    private const string WakeTimer = "wake";
    private readonly PeerSyncConfig _config;
    private readonly UniqueNode _self;
    private readonly NodeId _peer;
    private readonly ulong _seed;
    private readonly IRecordStore _store;
    private readonly IActorRef _coordinator;
    private readonly SyncTime _time;
    private readonly SyncMetrics? _metrics;
    private readonly List<PeerSyncEvent> _history = [];
    private PeerSyncMachine _machine = null!;
    private IActorRef? _remote;
    private UniqueNode? _run;
    private int _eventsSinceSnapshot;
    private long? _wakeAtMs;
    private PeerReport? _lastReport;

    public PeerSyncActor(PeerSyncConfig config, UniqueNode self, NodeId peer, ulong seed, IRecordStore store, IActorRef coordinator, SyncTime time, SyncMetrics? metrics)
    {
        _config = config;
        _self = self;
        _peer = peer;
        _seed = seed;
        _store = store;
        _coordinator = coordinator;
        _time = time;
        _metrics = metrics;
        PersistenceId = PersistenceIdOf(peer);

        Recover<SnapshotOffer>(offer =>
        {
            _history.Clear();
            _history.AddRange(((V1.PeerSyncSnapshot)offer.Snapshot).Events.Select(PeerSyncEventCodec.FromProto));
        });
        Recover<V1.PeerSyncEvent>(e => _history.Add(PeerSyncEventCodec.FromProto(e)));
        Command<RecoveryCompleted>(_ =>
        {
            _machine = PeerSyncMachine.Recover(_config, _self.Id, _peer, _seed, _history);
            _eventsSinceSnapshot = _history.Count;
            _history.Clear();
            AfterStep();
        });
        Command<StartPeerSession>(s =>
        {
            _remote = s.Remote;
            _run = s.Run;
            _lastReport = null;   // the coordinator may be a fresh instance that knows nothing yet
            Step(s.Connected);
        });
        Command<StepPeer>(s => Step(s.Input));
        Command<Prepared>(p => Step(new BatchPrepared(p.BatchId, p.Range)));
        Command<Wake>(_ =>
        {
            _wakeAtMs = null;
            Step(new PeerTick());
        });
        Command<RevivePeer>(_ => Revive());
        Command<Status.Failure>(f => throw new InvalidOperationException($"reading the change stream for {_peer} failed", f.Cause));
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => SyncHostLog.PeerSnapshotFailed(Log, f.Cause, _peer));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => SyncHostLog.PeerSnapshotFailed(Log, f.Cause, _peer));
    }

    public override PersistenceId PersistenceId { get; }

    public static PersistenceId PersistenceIdOf(NodeId peer) => PersistenceId.Parse("sync-peer-" + peer.Value);

    public static Props Props(PeerSyncConfig config, UniqueNode self, NodeId peer, ulong seed, IRecordStore store, IActorRef coordinator, SyncTime time, SyncMetrics? metrics) =>
        Actors.Props.Create(() => new PeerSyncActor(config, self, peer, seed, store, coordinator, time, metrics));

    private void Step(PeerSyncInput input)
    {
        _machine.Step(input, _time.NowMs());
        AfterStep();
    }

    private void AfterStep()
    {
        var nowMs = _time.NowMs();
        while (_machine.HasReady)
        {
            var ready = _machine.TakeReady();
            if (ready.Events.Count > 0)
            {
                Journal(ready.Events);
            }

            foreach (var message in ready.Messages)
            {
                CarryOut(message);
            }

            foreach (var notice in ready.Notices)
            {
                OnNotice(notice);
            }

            _machine.Advance(ready);
        }

        Report();
        ScheduleWake(nowMs);
    }

    private void Journal(IReadOnlyList<PeerSyncEvent> events)
    {
        var protos = events.Select(PeerSyncEventCodec.ToProto).ToList();
        var last = protos[^1];
        PersistAllAsync(protos, e =>
        {
            if (!ReferenceEquals(e, last))
            {
                return;
            }

            _eventsSinceSnapshot += protos.Count;
            if (_eventsSinceSnapshot >= SnapshotEvery)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(SnapshotOfMachine());
            }
        });
    }

    /// <summary>The durable state as events: replaying them rebuilds what the journal would.</summary>
    private V1.PeerSyncSnapshot SnapshotOfMachine()
    {
        var snapshot = new V1.PeerSyncSnapshot();
        if (_machine.PeerEpoch is { } epoch)
        {
            snapshot.Events.Add(PeerSyncEventCodec.ToProto(new PeerEpochObserved(epoch)));
        }

        snapshot.Events.Add(PeerSyncEventCodec.ToProto(new AcknowledgementsReset(_machine.Acknowledged, "snapshot")));
        if (_machine.IsRetired)
        {
            snapshot.Events.Add(PeerSyncEventCodec.ToProto(new PeerRetired(_machine.RetiredAtMs)));
        }

        return snapshot;
    }

    /// <summary>MemberUp after retirement: a fresh machine whose old acknowledgements can never count.</summary>
    private void Revive()
    {
        if (!_machine.IsRetired)
        {
            return;
        }

        // The peer's data epoch is kept (not its acknowledgements): a member that comes back with
        // wiped data is still recognised as such (PeerDataEpochChanged) by its hello.
        IReadOnlyList<PeerSyncEvent> seed = _machine.PeerEpoch is { } epoch ? [new PeerEpochObserved(epoch)] : [];
        _machine = PeerSyncMachine.Recover(_config, _self.Id, _peer, _seed, seed);
        _eventsSinceSnapshot = 0;
        var snapshot = new V1.PeerSyncSnapshot();
        snapshot.Events.AddRange(seed.Select(PeerSyncEventCodec.ToProto));
        SaveSnapshot(snapshot);
        SyncHostLog.PeerRevived(Log, _self.Id, _peer);
        AfterStep();
    }

    private void CarryOut(PeerSyncMessage message)
    {
        switch (message)
        {
            case SendHello h:
                Send(SyncWire.Hello(h.Session, h.Hello));
                break;
            case SendBatch b:
                Send(SyncWire.Batch(b.Session, b.BatchId, b.Range));
                break;
            case SendAck a:
                Send(SyncWire.Ack(a.Session, a.Ack));
                break;
            case SendWatermarks w:
                Send(SyncWire.Report(w.Session, w.Applied, w.Floors));
                break;
            case PrepareBatch p:
                var batchId = p.BatchId;
                _store.ReadStreamAsync(p.Origin, p.FromExclusive, p.ThroughInclusive, p.MaxChanges)
                    .PipeTo(Self, success: range => new Prepared(batchId, range));
                break;
            default:
                throw new InvalidOperationException($"peer {_peer}: unexpected machine output {message.GetType().Name}");
        }
    }

    private void Send(V1.SyncEnvelope envelope)
    {
        if (_remote is not null && _run is { } run)
        {
            _remote.Tell(SyncWire.Deliver(_self, run, envelope), Self);
        }
    }

    private void OnNotice(PeerSyncNotice notice)
    {
        switch (notice)
        {
            case PeerSessionStarted s:
                SyncHostLog.SessionStarted(Log, _self.Id, _peer, s.Session.Value);
                break;
            case PeerSessionEnded s:
                SyncHostLog.SessionEnded(Log, _self.Id, _peer, s.Session.Value);
                break;
            case PeerDataEpochChanged e:
                SyncHostLog.PeerEpochChanged(Log, _self.Id, _peer, e.Previous?.ToString() ?? "none", e.Current.ToString());
                break;
            case PeerWatermarksRegressed r:
                SyncHostLog.PeerRegressed(Log, _self.Id, _peer, r.Known.ToString(), r.Reported.ToString());
                break;
            case PeerBehindLog b:
                SyncHostLog.PeerBehindLog(Log, _self.Id, _peer, b.Origin.ToString(), b.PeerPosition.ToString(), b.Floor.ToString());
                break;
            case CollectionCatalogMismatch m:
                SyncHostLog.CatalogMismatch(Log, _self.Id, _peer, m.Local, m.Remote);
                break;
            case ForwardingStarted f:
                SyncHostLog.ForwardingStarted(Log, _self.Id, _peer, f.Origin.ToString());
                break;
            case SendFailed f:
                _metrics?.SendFailed(_peer.Value);
                SyncHostLog.SendFailed(Log, _self.Id, _peer, f.Reason, f.ConsecutiveFailures);
                break;
            case PeerRejectedClockSkew c:
                SyncHostLog.PeerRejectedClockSkew(Log, _self.Id, _peer, c.Origin.ToString());
                break;
            case PeerStalled s:
                _metrics?.PeerStalled(_peer.Value);
                SyncHostLog.PeerStalled(Log, _self.Id, _peer, s.ConsecutiveFailures);
                _coordinator.Tell(new PeerNoticeForHost(_peer, notice), Self);
                break;
            case PeerAheadOfOwnStream a:
                SyncHostLog.PeerAheadOfOwnStream(Log, _self.Id, _peer, a.PeerPosition.ToString(), a.LocalPosition.ToString());
                _coordinator.Tell(new PeerNoticeForHost(_peer, notice), Self);
                break;
            case PeerRetiredNotice:
                SyncHostLog.PeerRetired(Log, _self.Id, _peer);
                break;
        }
    }

    private void Report()
    {
        var report = new PeerReport(_peer, _machine.Status(), _machine.PeerEpoch, _machine.IsRetired, _machine.RetiredAtMs);
        if (_lastReport is { } last && last.Status.Phase == report.Status.Phase && last.Status.Acknowledged.Equals(report.Status.Acknowledged)
            && last.Status.InFlightBatches == report.Status.InFlightBatches && last.Status.PendingSinceMs == report.Status.PendingSinceMs
            && last.Epoch == report.Epoch && last.Retired == report.Retired)
        {
            return;
        }

        _lastReport = report;
        _coordinator.Tell(report, Self);
    }

    private void ScheduleWake(long nowMs)
    {
        var next = _machine.NextDeadlineMs(nowMs);
        if (next is not { } at)
        {
            if (_wakeAtMs is not null)
            {
                Timers.Cancel(WakeTimer);
                _wakeAtMs = null;
            }

            return;
        }

        if (_wakeAtMs == at)
        {
            return;
        }

        _wakeAtMs = at;
        Timers.StartSingleTimer(WakeTimer, Wake.Instance, TimeSpan.FromMilliseconds(Math.Max(1, at - nowMs)));
    }

    private sealed record Prepared(long BatchId, ChangeRange? Range);

    private sealed record Wake
    {
        public static readonly Wake Instance = new();
    }
}
