using System.Runtime.CompilerServices;
using PeerSync.Persistence.Errors;
using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.InMemory;

/// <summary>
/// A journal in memory, for tests: the same contract as the SQL journals (it passes the same
/// conformance suite), nothing durable. Thread-safe; writes complete before the call returns.
/// </summary>
public sealed class InMemoryJournal : IJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PersistenceId, SortedDictionary<long, PersistentRepr>> _events = [];
    private readonly Dictionary<PersistenceId, long> _highest = [];
    private readonly WriteFailureFence _fence = new();

    public InMemoryJournal(InMemoryFaults? faults = null) => Faults = faults ?? new InMemoryFaults();

    /// <summary>Faults to inject into the next calls.</summary>
    public InMemoryFaults Faults { get; }

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_fence.Check(write) is { } refusal)
        {
            return Task.FromException(refusal);
        }

        if (Faults.Take(StoreOperation.Write, write.PersistenceId, write.LowestSequenceNr) is { } fault)
        {
            _fence.RecordFailure(write);
            return Task.FromException(fault);
        }

        lock (_gate)
        {
            if (!_events.TryGetValue(write.PersistenceId, out var stream))
            {
                _events[write.PersistenceId] = stream = new SortedDictionary<long, PersistentRepr>();
            }

            // As in the SQL journals, only a stored event conflicts: a deleted sequence nr is free again.
            if (write.Events.Any(e => stream.ContainsKey(e.SequenceNr)))
            {
                return Task.FromException(new SequenceNrConflictException(write));
            }

            foreach (var e in write.Events)
            {
                stream.Add(e.SequenceNr, e);
            }

            _highest[write.PersistenceId] = Math.Max(_highest.GetValueOrDefault(write.PersistenceId), write.HighestSequenceNr);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<PersistentRepr> ReplayAsync(
        PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!JournalArguments.CheckRange(persistenceId, fromSequenceNr, toSequenceNr, max))
        {
            yield break;
        }

        if (Faults.Take(StoreOperation.Replay, persistenceId, fromSequenceNr) is { } fault)
        {
            throw fault;
        }

        List<PersistentRepr> selected;
        lock (_gate)
        {
            selected = _events.TryGetValue(persistenceId, out var stream)
                ? stream.Values.Where(e => e.SequenceNr >= fromSequenceNr && e.SequenceNr <= toSequenceNr)
                    .Take((int)Math.Min(max, int.MaxValue)).ToList()
                : [];
        }

        foreach (var e in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.CompletedTask.ConfigureAwait(false);
            yield return e;
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(PersistenceId persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        JournalArguments.CheckId(persistenceId);
        if (Faults.Take(StoreOperation.ReadHighestSequenceNr, persistenceId, null) is { } fault)
        {
            return Task.FromException<long>(fault);
        }

        _fence.Clear(persistenceId);
        lock (_gate)
        {
            return Task.FromResult(Math.Max(_highest.GetValueOrDefault(persistenceId), fromSequenceNr));
        }
    }

    public Task DeleteMessagesToAsync(PersistenceId persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        JournalArguments.CheckDelete(persistenceId, toSequenceNr);
        if (Faults.Take(StoreOperation.DeleteMessages, persistenceId, toSequenceNr) is { } fault)
        {
            return Task.FromException(fault);
        }

        lock (_gate)
        {
            if (_events.TryGetValue(persistenceId, out var stream))
            {
                foreach (var seq in stream.Keys.TakeWhile(s => s <= toSequenceNr).ToList())
                {
                    stream.Remove(seq);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PersistenceId>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        if (Faults.Take(StoreOperation.CurrentPersistenceIds, null, null) is { } fault)
        {
            return Task.FromException<IReadOnlyList<PersistenceId>>(fault);
        }

        lock (_gate)
        {
            IReadOnlyList<PersistenceId> ids = _highest.Keys.Order().ToList();
            return Task.FromResult(ids);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
