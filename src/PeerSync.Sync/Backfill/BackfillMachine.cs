using PeerSync.Remote.Addressing;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Backfill;

/// <summary>
/// Decides when this node takes a paged snapshot, from whom, and when it is ready (pure; hosted by
/// /system/sync/backfill). States Uninitialized → Backfilling → CatchingUp → Ready; a node that
/// finds itself behind what its peers' logs still hold goes back to Backfilling. The snapshot is
/// checkpointed by the store with each page, so a crash resumes after the last page applied (from
/// any source: the coverage is the minimum of every page's watermarks). Live batches arriving while
/// backfilling are buffered up to <see cref="BackfillConfig.BufferMaxChanges"/>; beyond it the buffer
/// is dropped and counted, and the catch-up after the snapshot fetches those changes again.
/// See docs/design/backfill.md.
/// </summary>
public sealed partial class BackfillMachine
{
    private readonly BackfillConfig _config;
    private readonly OriginId _self;
    private readonly List<BackfillCommand> _commands = [];
    private readonly List<BackfillNotice> _notices = [];
    private readonly HashSet<NodeId> _available = [];
    private readonly Dictionary<NodeId, PeerWatermarksObserved> _observed = [];
    private readonly List<BufferedBatch> _buffer = [];
    private readonly Dictionary<NodeId, Watermarks> _targets = [];
    private Watermarks _applied;
    private NodeId? _leader;
    private long _phaseSinceMs;

    // Snapshot progress.
    private NodeId? _source;
    private RecordCursor? _cursor;
    private Watermarks? _coverage;
    private int _pages;
    private long _requestId;
    private long _requestDeadlineMs;
    private bool _awaitingPage;
    private int _attempts;
    private SnapshotPage? _pendingPage;
    private Watermarks? _pendingCoverage;
    private bool _completing;
    private int _bufferedChanges;
    private bool _overflowed;
    private readonly HashSet<NodeId> _failedSources = [];
    private NodeId? _resumeSource;

    /// <param name="progress">What the store holds at start (<see cref="IRecordStore.OpenAsync"/>).</param>
    public BackfillMachine(BackfillConfig config, SyncProgress progress, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(progress);
        _config = config;
        _self = progress.Self;
        _applied = progress.Applied;
        _phaseSinceMs = nowMs;

        // Request ids continue from the start time, so a restarted machine does not take an answer
        // meant for its previous run for one of its own.
        _requestId = nowMs << 8;
        if (progress.Checkpoint is { } checkpoint)
        {
            // Resume the interrupted snapshot after its last applied page.
            Phase = BackfillPhase.Backfilling;
            _cursor = checkpoint.After;
            _coverage = checkpoint.Coverage;
            _pages = checkpoint.PagesApplied;
            _resumeSource = checkpoint.Source;
            _notices.Add(new BackfillPhaseChanged(BackfillPhase.Uninitialized, BackfillPhase.Backfilling, $"resuming the snapshot from {checkpoint.Source} after {checkpoint.PagesApplied} page(s)"));
        }
        else
        {
            Phase = progress.HasData ? BackfillPhase.CatchingUp : BackfillPhase.Uninitialized;
        }
    }

    public BackfillPhase Phase { get; private set; }

    /// <summary>True when the node may serve reads and take writes (HTTP ready).</summary>
    public bool IsReady => Phase == BackfillPhase.Ready;

    /// <summary>
    /// May the node seal its stream now? Not while it has no data or is taking a snapshot: a seal
    /// would make an empty node look like it has data (peers would backfill from it) and would
    /// advance a stream whose snapshot is not in place yet.
    /// </summary>
    public bool MaySeal => Phase is BackfillPhase.Ready or BackfillPhase.CatchingUp;

    public NodeId? Source => _source;

    public int PagesApplied => _pages;

    public int BufferedChanges => _bufferedChanges;

    public bool HasReady => _commands.Count > 0 || _notices.Count > 0;

    public BackfillReady TakeReady()
    {
        if (!HasReady)
        {
            return BackfillReady.Empty;
        }

        var ready = new BackfillReady([.. _commands], [.. _notices]);
        _commands.Clear();
        _notices.Clear();
        return ready;
    }

    public long? NextDeadlineMs => Phase switch
    {
        BackfillPhase.Uninitialized => _phaseSinceMs + _config.SettleMs,
        BackfillPhase.Backfilling when _awaitingPage => _requestDeadlineMs,
        BackfillPhase.CatchingUp => _phaseSinceMs + (_targets.Count < _available.Count ? _config.SettleMs : _config.CatchUpTimeoutMs),
        _ => null,
    };

    public void Step(BackfillInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (input)
        {
            case BackfillPeerAvailable a:
                _available.Add(a.Peer);
                break;
            case BackfillPeerUnavailable u:
                _available.Remove(u.Peer);
                _observed.Remove(u.Peer);
                _targets.Remove(u.Peer);
                if (Phase == BackfillPhase.Backfilling && _source == u.Peer && !_completing)
                {
                    _source = null;
                    _awaitingPage = false;
                    _pendingPage = null;
                }

                break;
            case BackfillLeaderChanged l:
                _leader = l.Leader;
                break;
            case PeerWatermarksObserved o:
                OnObserved(o);
                break;
            case LocalAppliedChanged l:
                _applied = _applied.Max(l.Applied);
                break;
            case PageArrived p:
                OnPageArrived(p);
                break;
            case PageApplied p:
                OnPageApplied(p, nowMs);
                break;
            case SnapshotCompleted s:
                OnSnapshotCompleted(s, nowMs);
                break;
            case LiveBatchArrived b:
                OnLiveBatch(b);
                break;
            case BackfillTick:
                OnTick(nowMs);
                break;
            default:
                throw new ArgumentException($"unknown backfill input {input.GetType().Name}", nameof(input));
        }

        Evaluate(nowMs);
    }

    private void OnObserved(PeerWatermarksObserved o)
    {
        _available.Add(o.Peer);
        _observed[o.Peer] = o;
        if (Phase == BackfillPhase.CatchingUp && !_targets.ContainsKey(o.Peer) && !o.Backfilling)
        {
            _targets[o.Peer] = o.Applied;
        }
    }

    private void OnLiveBatch(LiveBatchArrived b)
    {
        if (Phase != BackfillPhase.Backfilling)
        {
            _commands.Add(new ApplyNow(b.Peer, b.BatchId, b.Range));
            return;
        }

        if (!_overflowed && _bufferedChanges + b.Range.Count <= _config.BufferMaxChanges)
        {
            _buffer.Add(new BufferedBatch(b.Peer, b.BatchId, b.Range));
            _bufferedChanges += b.Range.Count;
        }
        else
        {
            // Never a silent drop: counted, and the catch-up after the snapshot resends all of it.
            var dropped = _bufferedChanges + b.Range.Count;
            _buffer.Clear();
            _bufferedChanges = 0;
            _overflowed = true;
            _notices.Add(new BackfillBufferOverflowed(dropped));
        }

        _commands.Add(new AcknowledgeBuffered(b.Peer, b.BatchId));
    }

    private void ChangePhase(BackfillPhase to, string reason, long nowMs)
    {
        _notices.Add(new BackfillPhaseChanged(Phase, to, reason));
        Phase = to;
        _phaseSinceMs = nowMs;
        _targets.Clear();
        if (to == BackfillPhase.CatchingUp)
        {
            foreach (var (peer, seen) in _observed.Where(e => !e.Value.Backfilling))
            {
                _targets[peer] = seen.Applied;
            }
        }
    }
}
