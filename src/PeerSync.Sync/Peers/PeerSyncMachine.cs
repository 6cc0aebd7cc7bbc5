using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Peers;

/// <summary>
/// The sync state of this node towards one remote member, as a pure machine hosted by the
/// persistent PeerSyncActor (/system/sync/peers/&lt;node&gt;). Durable state (the peer's data epoch,
/// its acknowledged watermarks per origin, retirement) changes only through events, replayed by
/// <see cref="Recover"/>. The outbound queue is implied: for each origin, the part of this node's
/// stream above the peer's acknowledgement (references into the log and records, never copies).
/// Sending is flow-controlled (in-flight bound, per-send timeout, jittered exponential backoff, a
/// stall after too many failures) and forwards other origins' streams only to a peer that lagged on
/// them for <see cref="PeerSyncConfig.ForwardDelayMs"/>. See docs/design/sync.md, "Peer machine".
/// </summary>
public sealed partial class PeerSyncMachine
{
    private readonly PeerSyncConfig _config;
    private readonly SeededRandom _random;
    private readonly List<PeerSyncEvent> _events = [];
    private readonly List<PeerSyncMessage> _messages = [];
    private readonly List<PeerSyncNotice> _notices = [];

    // Session state: rebuilt on every connect, never persisted.
    private readonly Dictionary<long, InFlightBatch> _inFlight = [];
    private readonly Dictionary<OriginId, Hlc> _sentThrough = [];
    private readonly Dictionary<OriginId, (Hlc Acknowledged, long SinceMs)> _lag = [];
    private readonly HashSet<OriginId> _forwarding = [];
    private readonly HashSet<OriginId> _behindLogReported = [];
    private SyncSessionId _session;
    private LocalSyncState? _local;
    private OriginId? _peerOrigin;
    private bool _peerBackfilling;
    private int _failures;
    private long _retryAtMs;
    private long _nextBatchId = 1;
    private Watermarks _lastReported = Watermarks.Empty;
    private long _lastReportMs = long.MinValue / 2;
    private OriginId? _lastServed;
    private long _helloDeadlineMs;

    public PeerSyncMachine(PeerSyncConfig config, NodeId self, NodeId peer, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (self == peer)
        {
            throw new ArgumentException($"a node does not sync with itself ({self})", nameof(peer));
        }

        _config = config;
        Self = self;
        Peer = peer;
        _random = new SeededRandom(seed);
    }

    public static PeerSyncMachine Recover(PeerSyncConfig config, NodeId self, NodeId peer, ulong seed, IEnumerable<PeerSyncEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var machine = new PeerSyncMachine(config, self, peer, seed);
        foreach (var e in history)
        {
            machine.Apply(e);
        }

        return machine;
    }

    public NodeId Self { get; }

    public NodeId Peer { get; }

    public PeerPhase Phase { get; private set; } = PeerPhase.Disconnected;

    /// <summary>The peer's data epoch, once seen.</summary>
    public DataEpoch? PeerEpoch { get; private set; }

    /// <summary>What the peer has durably applied, per origin, as far as this node knows.</summary>
    public Watermarks Acknowledged { get; private set; } = Watermarks.Empty;

    public bool IsRetired => Phase == PeerPhase.Retired;

    /// <summary>When the member was removed (valid once retired).</summary>
    public long RetiredAtMs { get; private set; }

    public bool HasReady => _events.Count > 0 || _messages.Count > 0 || _notices.Count > 0;

    public PeerSyncReady TakeReady()
    {
        if (!HasReady)
        {
            return PeerSyncReady.Empty;
        }

        var ready = new PeerSyncReady([.. _events], [.. _messages], [.. _notices]);
        _events.Clear();
        _messages.Clear();
        _notices.Clear();
        return ready;
    }

    /// <summary>
    /// Confirms that a ready value was persisted and sent. Events are applied when raised (so that
    /// decisions in the same step see them), so there is nothing to release here; the call keeps the
    /// host loop uniform across machines.
    /// </summary>
    public void Advance(in PeerSyncReady ready)
    {
    }

    /// <summary>When <see cref="PeerTick"/> next has work: a send deadline, a retry, a forward delay or a report.</summary>
    public long? NextDeadlineMs(long nowMs)
    {
        if (Phase == PeerPhase.AwaitingHello)
        {
            return Math.Max(_helloDeadlineMs, _retryAtMs);
        }

        if (Phase != PeerPhase.Active)
        {
            return null;
        }

        long? next = null;
        void Consider(long at) => next = next is { } n ? Math.Min(n, at) : at;
        foreach (var b in _inFlight.Values)
        {
            Consider(b.DeadlineMs);
        }

        if (_retryAtMs > nowMs)
        {
            Consider(_retryAtMs);
        }

        foreach (var (_, lag) in _lag)
        {
            Consider(lag.SinceMs + _config.ForwardDelayMs);
        }

        if (_local is not null && !_local.Applied.Equals(_lastReported))
        {
            Consider(_lastReportMs + _config.WatermarkReportIntervalMs);
        }

        return next;
    }

    public void Step(PeerSyncInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Phase == PeerPhase.Retired)
        {
            return;
        }

        switch (input)
        {
            case PeerConnected c:
                OnConnected(c, nowMs);
                break;
            case PeerDisconnected:
                EndSession();
                break;
            case HelloReceived h:
                OnHello(h, nowMs);
                break;
            case LocalBatchReady b:
                OnLocalBatch(b, nowMs);
                break;
            case LocalProgressChanged p:
                if (_local is not null)
                {
                    _local = _local with { Applied = p.Applied, Floors = p.Floors };
                }

                break;
            case BatchPrepared p:
                OnPrepared(p, nowMs);
                break;
            case AckReceived a:
                OnAck(a, nowMs);
                break;
            case WatermarksReported w:
                RaiseAcknowledged(w.Applied);
                break;
            case InboundBatchHandled h:
                OnInboundHandled(h, nowMs);
                break;
            case ResyncRequested r:
                OnResync(r);
                break;
            case PeerTick:
                OnTick(nowMs);
                break;
            case RetireRequested:
                Raise(new PeerRetired(nowMs));
                _notices.Add(new PeerRetiredNotice());
                return;
            default:
                throw new ArgumentException($"unknown peer sync input {input.GetType().Name}", nameof(input));
        }

        Pump(nowMs);
        Report(nowMs);
        TrackPending(nowMs);
        CheckInvariants();
    }

    private void Apply(PeerSyncEvent e)
    {
        switch (e)
        {
            case PeerEpochObserved o:
                PeerEpoch = o.Epoch;
                break;
            case AcknowledgementsAdvanced a:
                Acknowledged = Acknowledged.Max(a.Acknowledged);
                break;
            case AcknowledgementsReset r:
                Acknowledged = r.Acknowledged;
                break;
            case PeerRetired r:
                Phase = PeerPhase.Retired;
                RetiredAtMs = r.RetiredAtMs;
                ClearSession();
                break;
            default:
                throw new ArgumentException($"unknown peer sync event {e.GetType().Name}", nameof(e));
        }
    }

    private void Raise(PeerSyncEvent e)
    {
        Apply(e);
        _events.Add(e);
    }

    private void RaiseAcknowledged(Watermarks reported)
    {
        if (!Acknowledged.Dominates(reported))
        {
            Raise(new AcknowledgementsAdvanced(Acknowledged.Max(reported)));
        }
    }

    private void CheckInvariants()
    {
        // Always on: a violation means the flow control is wrong, and the host must stop rather
        // than run with an unbounded or inconsistent queue.
        if (_inFlight.Count > _config.MaxInFlightBatches)
        {
            throw new InvalidOperationException($"peer {Peer}: {_inFlight.Count} batches in flight, more than the bound {_config.MaxInFlightBatches}");
        }

        if (Phase != PeerPhase.Active && _inFlight.Count > 0)
        {
            throw new InvalidOperationException($"peer {Peer}: batches in flight while {Phase}");
        }
    }
}
