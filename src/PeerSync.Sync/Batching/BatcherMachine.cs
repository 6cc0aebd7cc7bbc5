using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Batching;

/// <summary>
/// Gathers this node's committed changes into batches: a batch is released when its first change
/// has waited <see cref="BatcherConfig.WindowMs"/> or when it holds <see cref="BatcherConfig.MaxBatch"/>
/// changes; changes to the same owned record within a batch coalesce to the newest. Each batch is a
/// contiguous range of the node's stream, so a peer that received the previous one can apply it.
/// After <see cref="BatcherConfig.SealIntervalMs"/> without a batch it asks for a seal (an empty
/// range that advances the stream, so that peers' watermarks and tombstone stability progress).
/// Pure: time is handed in. See docs/design/sync.md, "Batching".
/// </summary>
public sealed class BatcherMachine
{
    private readonly BatcherConfig _config;
    private readonly OriginId _self;
    private readonly List<RecordVersion?> _pending = [];
    private readonly Dictionary<RecordCursor, int> _ownedIndex = [];
    private readonly List<OutboundBatch> _ready = [];
    private int _pendingCount;
    private long _firstPendingAtMs;
    private long _lastReleaseAtMs;
    private Hlc _released;
    private Hlc _lastAdded;
    private bool _sealRequested;
    private long _nextId = 1;

    /// <param name="streamPosition">The node's stream position at start (its applied watermark for itself).</param>
    public BatcherMachine(BatcherConfig config, OriginId self, Hlc streamPosition, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _self = self;
        _released = _lastAdded = streamPosition;
        _lastReleaseAtMs = nowMs;
    }

    /// <summary>Changes waiting for their batch.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Up to where batches have been released.</summary>
    public Hlc Released => _released;

    public bool HasReady => _ready.Count > 0;

    /// <summary>True once a seal is due; the host seals the store and calls <see cref="Sealed"/>.</summary>
    public bool SealRequested => _sealRequested;

    /// <summary>When <see cref="Tick"/> next has something to do, or null.</summary>
    public long? NextDeadlineMs =>
        _pendingCount > 0 ? _firstPendingAtMs + _config.WindowMs
        : _sealRequested ? null
        : _lastReleaseAtMs + _config.SealIntervalMs;

    /// <summary>A committed local change (its HLC above every earlier one).</summary>
    public void Add(RecordVersion change, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Stamp.Origin != _self)
        {
            throw new ArgumentException($"the batcher of {_self} was given a change of {change.Stamp.Origin}", nameof(change));
        }

        if (change.Stamp.Hlc <= _lastAdded)
        {
            throw new InvalidOperationException($"change {change.Stamp.Hlc} is not after the last batched one ({_lastAdded}); local changes must be added in commit order");
        }

        _lastAdded = change.Stamp.Hlc;
        if (_pendingCount == 0)
        {
            _firstPendingAtMs = nowMs;
        }

        if (change.Kind == CollectionKind.Owned && _ownedIndex.TryGetValue(change.Cursor, out var earlier))
        {
            // Coalesce: only the owner's newest state matters, and the range still covers both.
            _pending[earlier] = null;
            _pendingCount--;
        }

        if (change.Kind == CollectionKind.Owned)
        {
            _ownedIndex[change.Cursor] = _pending.Count;
        }

        _pending.Add(change);
        _pendingCount++;
        if (_pendingCount >= _config.MaxBatch)
        {
            Release(_lastAdded, nowMs);
        }
    }

    public void Tick(long nowMs)
    {
        if (_pendingCount > 0 && nowMs >= _firstPendingAtMs + _config.WindowMs)
        {
            Release(_lastAdded, nowMs);
        }
        else if (_pendingCount == 0 && nowMs >= _lastReleaseAtMs + _config.SealIntervalMs)
        {
            _sealRequested = true;
        }
    }

    /// <summary>The host sealed its stream at <paramref name="position"/> (a fresh HLC, stored).</summary>
    public void Sealed(Hlc position, long nowMs)
    {
        if (position <= _lastAdded)
        {
            throw new InvalidOperationException($"seal {position} is not after the last change ({_lastAdded})");
        }

        _lastAdded = position;
        _sealRequested = false;
        Release(position, nowMs);
    }

    public IReadOnlyList<OutboundBatch> TakeReady()
    {
        var ready = _ready.ToList();
        _ready.Clear();
        return ready;
    }

    private void Release(Hlc through, long nowMs)
    {
        var changes = _pending.Where(c => c is not null).Select(c => c!).ToList();
        _ready.Add(new OutboundBatch(_nextId++, new ChangeRange(_self, _released, through, changes)));
        _released = through;
        _pending.Clear();
        _ownedIndex.Clear();
        _pendingCount = 0;
        _lastReleaseAtMs = nowMs;
        _sealRequested = false;
    }
}
