using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Host;

internal sealed partial class SyncCoordinator
{
    /// <summary>At most this many queued writes go into one transaction (bounds its duration).</summary>
    private const int MaxWritesPerCommit = 1000;

    /// <summary>
    /// Group commit: every write queued by <see cref="SyncHost"/> meanwhile goes into one
    /// transaction, each stamped with the next HLC (max(previous, physical), so a write made after
    /// seeing a peer's change sorts after it), then into the batcher in commit order.
    /// </summary>
    private async Task WriteAsync()
    {
        Interlocked.Exchange(ref _shared.Nudged, 0);
        var pending = new List<PendingWrite>();
        while (pending.Count < MaxWritesPerCommit && _shared.Writes.TryDequeue(out var write))
        {
            pending.Add(write);
            Interlocked.Decrement(ref _shared.PendingWrites);
        }

        if (pending.Count == 0)
        {
            return;
        }

        var refusal = !_backfill.IsReady ? $"sync is {_backfill.Phase}; the node takes writes once it is Ready"
            : _stopping ? "the node is stopping" : null;
        if (refusal is not null)
        {
            foreach (var write in pending)
            {
                write.Done.TrySetException(new SyncNotReadyException(refusal));
            }
        }
        else
        {
            await CommitAsync(pending).ConfigureAwait(true);
        }

        if (!_shared.Writes.IsEmpty && Interlocked.Exchange(ref _shared.Nudged, 1) == 0)
        {
            Self.Tell(WritesPending.Instance, Self);
        }

        await DrainAsync().ConfigureAwait(true);
    }

    private async Task CommitAsync(List<PendingWrite> pending)
    {
        var physical = _time.PhysicalMs();
        var writes = pending.Select(w => new LocalWrite(w.Collection, w.Key, _config.Catalog.KindOf(w.Collection), w.Value, _clock.Now(physical))).ToList();
        IReadOnlyList<LocalWriteOutcome> outcomes;
        try
        {
            outcomes = await _store.WriteLocalAsync(writes).ConfigureAwait(true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The transaction rolled back: nothing of it is stored or batched, every caller learns it.
            SyncHostLog.WriteFailed(Log, e, _self.Id);
            foreach (var write in pending)
            {
                write.Done.TrySetException(e);
            }

            return;
        }

        var now = NowMs;
        long lastPosition = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var outcome = outcomes[i];
            if (outcome.Written is { } written)
            {
                _batcher.Add(written, now);
                _applied = _applied.With(_origin, written.Stamp.Hlc);
                lastPosition = Math.Max(lastPosition, outcome.Position);
            }

            pending[i].Done.TrySetResult(outcome);
        }

        if (lastPosition > 0)
        {
            _shared.Advanced(lastPosition);
        }
    }

    private async Task PruneAsync()
    {
        RetireRemovedPeers();
        // Only once membership is known (this node is Up) and every member's peer actor has
        // reported: an unknown acknowledgement must hold the log, never release it.
        if (!_selfUp || _stopping || _peers.Values.Any(p => p.Member is not null && p.Report is null))
        {
            return;
        }

        var reporting = _peers.Values.Where(p => p.HasActor && p.Report is not null).Select(p => p.Report!).ToList();
        var live = reporting.Where(r => !r.Retired).Select(r => new PeerAcknowledgement(r.Peer, r.Epoch, r.Status.Acknowledged)).ToList();
        var retired = reporting.Where(r => r.Retired).Select(r => new RetiredPeer(r.Peer, r.Epoch, r.RetiredAtMs)).ToList();
        var plan = PruningCalculator.Plan(_origin, _applied, live, retired, NowMs, _config.Pruning.RetiredOriginRetentionMs);
        var result = await _store.PruneAsync(plan).ConfigureAwait(true);
        if (result.LogEntriesPruned > 0 || result.TombstonesPruned > 0)
        {
            SyncHostLog.Pruned(Log, _self.Id, result.LogEntriesPruned, result.TombstonesPruned);
        }

        RefreshStats();
        if (!result.Floors.Equals(_floors))
        {
            _floors = result.Floors;
            ProgressChanged();
            await DrainAsync().ConfigureAwait(true);
        }
    }

    /// <summary>
    /// Counts for status and metrics (live records, log entries, each peer's outbound queue), read
    /// beside the turn: counting a log that grew while a peer was away takes as long as the log is
    /// big, and local commits must not wait behind it every prune interval. What to count is taken
    /// now, from the current watermarks and reports; one refresh runs at a time.
    /// </summary>
    private void RefreshStats()
    {
        if (_statsReading)
        {
            return;
        }

        var queues = _peers.Values
            .Where(p => p.Report is { Retired: false })
            .Select(p => new PeerQueue(p.Id, [.. _applied
                .Where(w => w.Key.Node != p.Id && w.Value > p.Report!.Status.Acknowledged[w.Key])
                .Select(w => (w.Key, p.Report!.Status.Acknowledged[w.Key]))]))
            .ToList();
        _statsReading = true;
        var instance = _instance;
        ReadBeside("the stats refresh", store => ReadStatsAsync(store, queues), stats => new StatsRead(instance, stats));
    }

    private void OnStatsRead(StatsRead read)
    {
        if (!ReferenceEquals(read.Instance, _instance))
        {
            return;
        }

        _statsReading = false;
        _records = read.Stats.Records;
        _logEntries = read.Stats.LogEntries;
        foreach (var (peer, pending) in read.Stats.PendingChanges)
        {
            if (_peers.TryGetValue(peer, out var entry))
            {
                entry.PendingChanges = pending;
            }
        }

        Publish();
    }

    /// <summary>The counts of <see cref="RefreshStats"/>; off the actor's context.</summary>
    private static async Task<StoreStats> ReadStatsAsync(IRecordStore store, IReadOnlyList<PeerQueue> queues)
    {
        var records = (await store.ReadBucketDigestsAsync().ConfigureAwait(false)).Sum(d => d.Count);
        var logEntries = await store.CountLogEntriesAsync().ConfigureAwait(false);
        var pending = new List<(NodeId, long)>(queues.Count);
        foreach (var queue in queues)
        {
            long count = 0;
            foreach (var (origin, acknowledged) in queue.Behind)
            {
                count += await store.CountStreamAfterAsync(origin, acknowledged).ConfigureAwait(false);
            }

            pending.Add((queue.Peer, count));
        }

        return new StoreStats(records, logEntries, pending);
    }

    /// <summary>Graceful stop: refuse new writes, release the batch now, then wait (bounded) for acknowledgements.</summary>
    private async Task OnFlushRequestAsync(FlushRequest request)
    {
        _stopping = true;
        var now = NowMs;
        _batcher.Tick(now + _config.Batcher.WindowMs);
        _flush = (Sender, now + (long)request.Timeout.TotalMilliseconds, now);
        Timers.StartSingleTimer("flush", FlushDeadline.Instance, request.Timeout);
        await DrainAsync().ConfigureAwait(true);
        await CheckFlushAsync(deadlinePassed: false).ConfigureAwait(true);
    }

    private Task CheckFlushAsync(bool deadlinePassed)
    {
        if (_flush is not { } flush)
        {
            return Task.CompletedTask;
        }

        var own = _applied[_origin];
        var all = _peers.Values
            .Where(p => p.SessionUp && p.Report is { Retired: false })
            .All(p => p.Report!.Status.Acknowledged[_origin] >= own);
        if (all || deadlinePassed || NowMs >= flush.DeadlineMs)
        {
            _flush = null;
            Timers.Cancel("flush");
            SyncHostLog.Flushed(Log, _self.Id, NowMs - flush.StartedMs, all);
            flush.ReplyTo.Tell(new Flushed(all), Self);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The node cannot take writes now (backfilling, catching up, stopping); the message says why.</summary>
public sealed class SyncNotReadyException(string reason) : Exception(reason);
