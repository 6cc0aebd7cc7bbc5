using PeerSync.Persistence.Errors;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.InMemory;

/// <summary>
/// Fault injection for tests of what sits above the stores: the next N calls of an operation fail
/// with a <see cref="PersistenceStorageException"/>, as a broken disk or connection would, and the
/// failing call changes nothing. Thread-safe.
/// </summary>
public sealed class InMemoryFaults
{
    private readonly Dictionary<StoreOperation, Queue<string>> _pending = [];
    private readonly Lock _gate = new();

    /// <summary>Makes the next <paramref name="count"/> calls of <paramref name="operation"/> fail with <paramref name="reason"/>.</summary>
    public void FailNext(StoreOperation operation, int count = 1, string reason = "injected fault")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            if (!_pending.TryGetValue(operation, out var queue))
            {
                _pending[operation] = queue = new Queue<string>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(reason);
            }
        }
    }

    /// <summary>Forgets every fault not yet taken.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
        }
    }

    /// <summary>The fault for this call, if one is pending.</summary>
    internal PersistenceStorageException? Take(StoreOperation operation, PersistenceId? persistenceId, long? sequenceNr)
    {
        string? reason;
        lock (_gate)
        {
            if (!_pending.TryGetValue(operation, out var queue) || !queue.TryDequeue(out reason))
            {
                return null;
            }
        }

        var subject = persistenceId is null ? "" : $" of persistence id '{persistenceId}'" + (sequenceNr is null ? "" : $" at sequence nr {sequenceNr}");
        return new PersistenceStorageException($"in-memory store: {operation}{subject} failed: {reason}", persistenceId, sequenceNr);
    }
}
