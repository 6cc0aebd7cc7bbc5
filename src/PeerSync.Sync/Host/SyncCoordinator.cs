using System.Collections.Concurrent;
using System.Collections.Immutable;
using PeerSync.Actors;
using PeerSync.Cluster.Host;
using PeerSync.Cluster.Membership;
using PeerSync.Persistence;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.PeerState;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Batching;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

/// <summary>
/// /system/sync: the single writer of the node's record store and the host of its clock, batcher,
/// backfill and anti-entropy machines (docs/design/sync.md, "Host"). It follows membership (peer
/// sessions, the peers' actors under /system/sync/peers), receives every sync message from other
/// nodes, applies what they send through <see cref="ClockAdmission"/> and the backfill machine, and
/// commits local writes in groups. Thin: decisions are the machines'.
/// Split by concern: Members (sessions and routing), Inbound (what peers send), Reads (store reads beside the turn), Writes.
/// </summary>
internal sealed partial class SyncCoordinator : ReceiveActor
{
    private const string WakeTimer = "wake";
    private const string PruneTimer = "prune";

    private readonly SyncHostSettings _settings;
    private readonly SyncConfig _config;
    private readonly IRecordStore _store;
    private readonly SyncHostShared _shared;
    private readonly SyncTime _time;
    private readonly SyncMetrics? _metrics;
    private readonly UniqueNode _self;
    private readonly Dictionary<NodeId, PeerEntry> _peers = [];
    private readonly Dictionary<long, PendingRepair> _repairs = [];
    private HybridLogicalClock _clock = null!;
    private BatcherMachine _batcher = null!;
    private BackfillMachine _backfill = null!;
    private AntiEntropyMachine _antiEntropy = null!;
    private IActorRef _peerActors = null!;
    private DataEpoch _epoch;
    private OriginId _origin;
    private Watermarks _applied = Watermarks.Empty;
    private Watermarks _floors = Watermarks.Empty;
    private long? _wakeAtMs;
    private bool _selfUp;

    // The backfill machine's clock (its settle time) starts when this node is Up, not at process
    // start: before it has joined, "no peer has reported" says nothing. Until then it gets no ticks.
    private bool _backfillArmed;
    private readonly List<BackfillInput> _backfillEarly = [];
    private bool _stopping;
    private IReadOnlyList<NodeId> _journaledPeers = [];
    private (IActorRef ReplyTo, long DeadlineMs, long StartedMs)? _flush;
    private long _clockRejections;
    private long _changesReceived;
    private long _repairsApplied;
    private long _bufferOverflows;
    private long _pagesServed;
    private long _records;
    private long _logEntries;

    /// <summary>A stats refresh is being read beside the turn (see RefreshStats).</summary>
    private bool _statsReading;

    public SyncCoordinator(SyncHostSettings settings, SyncHostShared shared)
    {
        _settings = settings;
        _config = settings.Config;
        _store = settings.Store;
        _shared = shared;
        _metrics = settings.Metrics;
        _self = Context.System.Remoting().Self;
        _time = new SyncTime(Context.System.TimeProvider, settings.PhysicalClock ?? Context.System.TimeProvider);

        ReceiveAsync<WritesPending>(_ => WriteAsync());
        ReceiveAsync<V1.SyncDelivery>(OnDeliveryAsync);
        ReceiveAsync<ClusterEvent>(OnClusterEventAsync);
        ReceiveAsync<PeerStateChanged>(OnLinkChangedAsync);
        ReceiveAsync<CoordinatorWake>(_ => TickAsync());
        ReceiveAsync<PruneTick>(_ => PruneAsync());
        ReceiveAsync<PeerReport>(OnPeerReportAsync);
        ReceiveAsync<PeerNoticeForHost>(OnPeerNoticeAsync);
        ReceiveAsync<FlushRequest>(OnFlushRequestAsync);
        ReceiveAsync<FlushDeadline>(_ => CheckFlushAsync(deadlinePassed: true));
        ReceiveAsync<Replayed>(r => ReceiveAsync(r.From, r.Message));
        Receive<SnapshotPageRead>(OnSnapshotPageRead);
        Receive<AnswerRead>(OnAnswerRead);
        ReceiveAsync<AntiEntropyRead>(OnAntiEntropyReadAsync);
        Receive<StatsRead>(OnStatsRead);
        Receive<StoreReadFailed>(OnStoreReadFailed);
        ReceiveAsync<InRepairResponseSelf>(async r =>
        {
            await ApplyRepairAsync(r.RoundId).ConfigureAwait(true);
            await DrainAsync().ConfigureAwait(true);
        });
    }

    public static Props Props(SyncHostSettings settings, SyncHostShared shared) =>
        Actors.Props.Create(() => new SyncCoordinator(settings, shared));

    private long NowMs => _time.NowMs();

    protected override void PreStart() => RunTask(StartAsync);

    private async Task StartAsync()
    {
        var progress = await _store.ReadProgressAsync().ConfigureAwait(true);
        _epoch = progress.Epoch;
        _origin = progress.Self;
        _applied = progress.Applied;
        _floors = progress.Floors;
        _clock = new HybridLogicalClock(_config.Clock);
        _clock.Recover(progress.HlcHigh);
        var now = NowMs;
        _batcher = new BatcherMachine(_config.Batcher, progress.Self, progress.Applied[progress.Self], now);
        _backfill = new BackfillMachine(_config.Backfill, progress, now);
        _antiEntropy = new AntiEntropyMachine(_config.AntiEntropy, now, _shared.LastAntiEntropyRoundId);
        _shared.LastPosition = await _store.ReadLastPositionAsync().ConfigureAwait(true);
        var journals = await Context.System.Persistence().Journal.CurrentPersistenceIdsAsync().ConfigureAwait(true);
        _journaledPeers = [.. journals
            .Select(id => id.Value)
            .Where(id => id.StartsWith("sync-peer-", StringComparison.Ordinal))
            .Select(id => NodeId.TryParse(id["sync-peer-".Length..], out var peer, out _) ? peer : (NodeId?)null)
            .OfType<NodeId>()];

        var seedBase = (ulong)_self.Incarnation.Value;
        var config = _config.Peer;
        var store = _store;
        var self = _self;
        var coordinator = Self;
        var time = _time;
        var metrics = _metrics;
        // After a restart the peer actors are still there (see PreRestart), with their machines.
        _peerActors = Context.Child("peers") ?? Context.ActorOf(
            Actors.Props.Create(() => new SyncPeersActor(peer => PeerSyncActor.Props(config, self, peer, seedBase ^ StableHash(peer.Value), store, coordinator, time, metrics))),
            "peers");
        Context.System.EventStream.Subscribe<PeerStateChanged>(Self);
        Context.System.Cluster().Subscribe(Self, InitialStateMode.AsEvents, typeof(ClusterEvent));
        Timers.StartPeriodicTimer(PruneTimer, PruneTick.Instance, _settings.PruneInterval);
        SyncHostLog.Started(Log, _self.Id, _epoch.ToString(), _backfill.Phase.ToString(), _journaledPeers.Count);
        await DrainAsync().ConfigureAwait(true);
    }

    /// <summary>
    /// A failure (the store threw) restarts the coordinator: it reloads its progress from the store
    /// and re-subscribes; its peer actors keep running (their machines stay valid: the store is the
    /// truth, and every session starts again with a hello). Queued writes are picked up again.
    /// </summary>
    protected override void PreRestart(Exception reason, object? message)
    {
        // Not ready until the fresh instance has reloaded and caught up again.
        _shared.Snapshot = _shared.Snapshot with { Phase = BackfillPhase.Uninitialized };
        PostStop();
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Interlocked.Exchange(ref _shared.Nudged, 1);
        Self.Tell(WritesPending.Instance, Self);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.UnsubscribeAll(Self);
        if (Context.System.GetExtension<PeerSync.Cluster.Host.Cluster>() is { } cluster && !cluster.IsStopped)
        {
            cluster.Unsubscribe(Self);
        }
    }

    /// <summary>FNV-1a: the same on every run (string.GetHashCode is randomized per process), so a peer's jitter seed depends only on the incarnation and its id.</summary>
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private LocalSyncState LocalState(bool? backfilling = null) =>
        new(_epoch, _origin, _applied, _floors, backfilling ?? _backfill.Phase == BackfillPhase.Backfilling);

    private void TellPeer(NodeId peer, object message) => _peerActors.Tell(new ForPeer(peer, message), Self);

    private void StepPeer(NodeId peer, PeerSyncInput input) => TellPeer(peer, new StepPeer(input));

    /// <summary>Every peer that has (or had) an actor: members, and journaled peers.</summary>
    private IEnumerable<PeerEntry> PeersWithActors => _peers.Values.Where(p => p.HasActor);

    /// <summary>Carries out every machine's ready outputs until none has more, then re-arms the wake timer and publishes state.</summary>
    private async Task DrainAsync()
    {
        var progress = true;
        while (progress)
        {
            progress = false;
            foreach (var batch in _batcher.TakeReady())
            {
                progress = true;
                foreach (var peer in PeersWithActors)
                {
                    StepPeer(peer.Id, new LocalBatchReady(batch));
                }
            }

            if (_backfill.HasReady)
            {
                progress = true;
                var ready = _backfill.TakeReady();
                foreach (var notice in ready.Notices)
                {
                    OnBackfillNotice(notice);
                }

                foreach (var command in ready.Commands)
                {
                    await CarryOutAsync(command).ConfigureAwait(true);
                }
            }

            if (_antiEntropy.HasReady)
            {
                progress = true;
                var ready = _antiEntropy.TakeReady();

                // Before any of its messages leaves: a restart from here on numbers its rounds after it.
                _shared.LastAntiEntropyRoundId = _antiEntropy.LastRoundId;
                foreach (var notice in ready.Notices)
                {
                    OnAntiEntropyNotice(notice);
                }

                foreach (var command in ready.Commands)
                {
                    CarryOut(command);
                }
            }
        }

        ScheduleWake();
        Publish();
    }

    private void ScheduleWake()
    {
        var now = NowMs;
        long? next = _batcher.NextDeadlineMs;
        void Consider(long? at)
        {
            if (at is { } a)
            {
                next = next is { } n ? Math.Min(n, a) : a;
            }
        }

        if (_backfillArmed)
        {
            Consider(_backfill.NextDeadlineMs);
        }
        if (_settings.AntiEntropy)
        {
            Consider(_antiEntropy.NextDeadlineMs);
        }

        if (next is not { } at)
        {
            return;
        }

        if (_wakeAtMs is { } armed && armed <= at && Timers.IsTimerActive(WakeTimer))
        {
            return;
        }

        _wakeAtMs = at;
        Timers.StartSingleTimer(WakeTimer, CoordinatorWake.Instance, TimeSpan.FromMilliseconds(Math.Max(1, at - now)));
    }

    private async Task TickAsync()
    {
        _wakeAtMs = null;
        var now = NowMs;
        _batcher.Tick(now);
        if (_batcher.SealRequested && _backfill.MaySeal && !_stopping)
        {
            var seal = _clock.Now(_time.PhysicalMs());
            await _store.SealAsync(seal).ConfigureAwait(true);
            _applied = _applied.With(_origin, seal);
            _batcher.Sealed(seal, NowMs);
        }

        if (_backfillArmed)
        {
            StepBackfill(new BackfillTick(), NowMs);
        }
        if (_settings.AntiEntropy)
        {
            _antiEntropy.Step(new AntiEntropyTick(), NowMs);
        }

        await DrainAsync().ConfigureAwait(true);
        await CheckFlushAsync(deadlinePassed: false).ConfigureAwait(true);
    }

    /// <summary>This node's applied watermarks or floors changed: every peer machine and the backfill machine learn it.</summary>
    private void ProgressChanged()
    {
        foreach (var peer in PeersWithActors)
        {
            StepPeer(peer.Id, new LocalProgressChanged(_applied, _floors));
        }

        StepBackfill(new LocalAppliedChanged(_applied), NowMs);
    }

    /// <summary>The age of the oldest change the peer lacks now (the report may be older).</summary>
    private static long LagAt(PeerSyncStatus status, long nowMs) =>
        status.PendingSinceMs is { } since ? Math.Max(status.LagMs, nowMs - since) : 0;

    private void Publish()
    {
        _shared.Snapshot = new SyncHostSnapshot(
            _backfill.Phase,
            _backfill.Source,
            _backfill.PagesApplied,
            _applied,
            _clock.Last,
            [.. _peers.Values.Where(p => p.Report is not null && p.HasActor).OrderBy(p => p.Id).Select(p => new SyncPeerState(
                p.Id, p.Report!.Status.Phase, p.Report.Status.Acknowledged, p.Report.Status.InFlightBatches, LagAt(p.Report.Status, NowMs),
                p.PendingChanges, p.Report.Epoch, p.Report.Retired))],
            _clockRejections,
            _changesReceived,
            _repairsApplied,
            _bufferOverflows,
            _pagesServed,
            _records,
            _logEntries,
            _stopping);
    }

    /// <summary>What the coordinator knows of one remote node.</summary>
    private sealed class PeerEntry(NodeId id)
    {
        public NodeId Id { get; } = id;

        /// <summary>The member run this node syncs with (the newest incarnation seen Up), null when none.</summary>
        public Member? Member { get; set; }

        /// <summary>The run this node's link is connected to right now; null while the link is down.</summary>
        public UniqueNode? Link { get; set; }

        public bool SessionUp { get; set; }

        public SyncSessionId Session { get; set; }

        public IActorRef? Remote { get; set; }

        public bool HasActor { get; set; }

        public bool PeerBackfilling { get; set; }

        public PeerReport? Report { get; set; }

        public long PendingChanges { get; set; }

        /// <summary>When the member was removed, until it is retired (or joins again).</summary>
        public long? RemovedAtMs { get; set; }

        /// <summary>Messages from a run whose session has not started here yet (bounded, oldest dropped).</summary>
        public Queue<(UniqueNode From, SyncInbound Message)> Early { get; } = new();
    }

    private sealed record PendingRepair(NodeId Peer, IReadOnlyList<CollectionRepair> Repairs, List<RecordVersion> Pulled, int Awaiting)
    {
        public int Awaiting { get; set; } = Awaiting;
    }
}
