using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.GroupCommit;

/// <summary>
/// Batches concurrent atomic writes from many callers into one transaction each (design:
/// docs/design/persistence.md, "Group commit"). One loop drains a bounded FIFO queue: whatever
/// queued while the previous transaction ran forms the next batch, up to
/// <see cref="JournalOptions.MaxBatchEvents"/>. So a lone caller commits at once (no timer, no
/// sleep), and under load each commit carries many writes. Tasks complete in queue order.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    /// <summary>Bounds <see cref="GatherAsync"/>: a steady trickle of callers cannot hold a batch back.</summary>
    private const int MaxGatherRounds = 16;

    private readonly IGroupCommitBackend _backend;
    private readonly ILogger _logger;
    private readonly string _location;
    private readonly int _maxBatchEvents;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _loop;
    private int _disposed;

    public GroupCommitWriter(IGroupCommitBackend backend, JournalOptions options, ILogger logger, string location)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _backend = backend;
        _logger = logger;
        _location = location;
        _maxBatchEvents = options.MaxBatchEvents;

        // Wait mode serves blocked callers first-in first-out, so back-pressure keeps call order.
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.MaxPendingWrites)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Refuses writes that could leave a gap after a failed write of the same id.</summary>
    public WriteFailureFence Fence { get; } = new();

    /// <summary>Writes queued and not yet taken into a batch (for diagnostics and tests).</summary>
    public int QueueDepth => _queue.Reader.Count;

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var pending = new PendingWrite(write);
        if (_queue.Writer.TryWrite(pending))
        {
            return pending.Completion.Task;
        }

        return EnqueueSlowAsync(pending, cancellationToken);
    }

    private async Task EnqueueSlowAsync(PendingWrite pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(GroupCommitWriter), $"the journal at {_location} is closed; {pending.Write} was not written");
        }

        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                await GatherAsync().ConfigureAwait(false);
                batch.Clear();
                TakeBatch(batch);
                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // A bug in the loop itself: fail loudly and fail every waiting caller rather than hang them.
            Log.WriterCrashed(_logger, ex, _location);
            _queue.Writer.TryComplete(ex);
            var failure = new PersistenceStorageException($"the journal writer at {_location} stopped: {ex.Message}", inner: ex);
            foreach (var p in batch)
            {
                p.Completion.TrySetException(failure);
            }

            while (_queue.Reader.TryRead(out var p))
            {
                p.Completion.TrySetException(failure);
            }
        }
    }

    /// <summary>
    /// Lets callers that are already running join the batch before it is taken. When a commit
    /// completes, its callers' continuations are queued on the thread pool and most of them write
    /// again at once; without this the loop, woken by the first, would commit a handful and make
    /// the rest wait for a second fsync. It yields the thread (no timer) and stops as soon as the
    /// queue stops growing, so a lone caller pays one thread-pool hop, never a sleep.
    /// </summary>
    private async ValueTask GatherAsync()
    {
        for (var i = 0; i < MaxGatherRounds; i++)
        {
            var before = _queue.Reader.Count;
            if (before >= _maxBatchEvents)
            {
                return;
            }

            await Task.Yield();
            if (_queue.Reader.Count == before)
            {
                return;
            }
        }
    }

    private void TakeBatch(List<PendingWrite> batch)
    {
        var events = 0;
        while (_queue.Reader.TryPeek(out var next)
               && (batch.Count == 0 || events + next.Write.Events.Count <= _maxBatchEvents)
               && _queue.Reader.TryRead(out next))
        {
            batch.Add(next);
            events += next.Write.Events.Count;
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        // Writes behind a failed write of the same id are refused before the transaction.
        var toWrite = new List<PendingWrite>(batch.Count);
        foreach (var p in batch)
        {
            if (Fence.Check(p.Write) is { } refusal)
            {
                p.Outcome = refusal;
                GroupCommitMetrics.RejectedWrites.Add(1);
            }
            else
            {
                toWrite.Add(p);
            }
        }

        if (toWrite.Count > 0)
        {
            await WriteToBackendAsync(toWrite).ConfigureAwait(false);
        }

        foreach (var p in batch)
        {
            if (p.Outcome is null)
            {
                p.Completion.TrySetResult();
            }
            else
            {
                p.Completion.TrySetException(p.Outcome);
            }
        }
    }

    private async Task WriteToBackendAsync(List<PendingWrite> toWrite)
    {
        var writes = toWrite.ConvertAll(p => p.Write);
        try
        {
            var results = await _backend.WriteBatchAsync(writes, CancellationToken.None).ConfigureAwait(false);
            if (results.Length != writes.Count)
            {
                throw new InvalidOperationException($"the backend returned {results.Length} results for a batch of {writes.Count} writes");
            }

            GroupCommitMetrics.BatchWrites.Record(writes.Count);

            for (var i = 0; i < results.Length; i++)
            {
                toWrite[i].Outcome = results[i];
                if (results[i] is not null)
                {
                    GroupCommitMetrics.RejectedWrites.Add(1);
                    Log.WriteRejected(_logger, writes[i].PersistenceId.Value, writes[i].LowestSequenceNr);
                }
            }
        }
        catch (Exception ex)
        {
            Log.BatchFailed(_logger, ex, writes.Count, writes[0].PersistenceId.Value, writes[0].LowestSequenceNr);
            GroupCommitMetrics.FailedWrites.Add(writes.Count);
            foreach (var p in toWrite)
            {
                Fence.RecordFailure(p.Write);
                p.Outcome = new PersistenceStorageException(
                    $"journal at {_location} failed to write persistence id '{p.Write.PersistenceId}' sequence nrs {p.Write.LowestSequenceNr}..{p.Write.HighestSequenceNr} "
                    + $"(a batch of {writes.Count} writes failed; the outcome is unknown, recover before writing again): {ex.Message}",
                    p.Write.PersistenceId,
                    p.Write.LowestSequenceNr,
                    ex);
            }
        }
    }

    /// <summary>Stops taking writes, commits everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed class PendingWrite(AtomicWrite write)
    {
        public AtomicWrite Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Outcome { get; set; }
    }
}
