using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// A journal wrapper that can hold writes back: while closed, writes queue (in call order) and reach
/// the real journal only when the test opens the gate. Lets a test observe an actor while its
/// writes are unconfirmed, on any provider. Reads pass straight through.
/// </summary>
public sealed class GatedJournal(IJournal inner) : IJournal
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _held = new();
    private bool _closed;
    private TaskCompletionSource? _readsClosed;
    private int _issued;
    private int _highestReads;

    /// <summary>Writes handed to this journal so far (held or not).</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>Calls of ReadHighestSequenceNrAsync so far (one per recovery that got that far).</summary>
    public int HighestReads => Volatile.Read(ref _highestReads);

    /// <summary>Holds every ReadHighestSequenceNrAsync (a step of recovery) until <see cref="OpenReads"/>.</summary>
    public void CloseReads()
    {
        lock (_gate)
        {
            _readsClosed ??= new TaskCompletionSource();
        }
    }

    public void OpenReads()
    {
        lock (_gate)
        {
            _readsClosed?.SetResult();
            _readsClosed = null;
        }
    }

    /// <summary>Holds every write from now on until <see cref="Open"/>.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>Lets the held writes go to the real journal, in call order, and stops holding.</summary>
    public void Open()
    {
        lock (_gate)
        {
            _closed = false;
            ReleaseHeld(_held.Count);
        }
    }

    /// <summary>Lets the oldest held write go to the real journal; later ones stay held.</summary>
    public void ReleaseOldest()
    {
        lock (_gate)
        {
            if (_held.Count == 0)
            {
                throw new InvalidOperationException("no write is held");
            }

            ReleaseHeld(1);
        }
    }

    private void ReleaseHeld(int count)
    {
        // Continuations run inline, in release order, so the held writes reach the inner journal in
        // the order they were made; under the lock, so a write made meanwhile cannot overtake them.
        for (var i = 0; i < count; i++)
        {
            _held.Dequeue().SetResult();
        }
    }

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _issued);
        TaskCompletionSource held;
        lock (_gate)
        {
            if (!_closed)
            {
                return inner.WriteAsync(write, cancellationToken);
            }

            held = new TaskCompletionSource();
            _held.Enqueue(held);
        }

        return held.Task.ContinueWith(
            _ => inner.WriteAsync(write, cancellationToken), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    public IAsyncEnumerable<PersistentRepr> ReplayAsync(
        PersistenceId persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(PersistenceId persistenceId, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _highestReads);
        Task? held;
        lock (_gate)
        {
            held = _readsClosed?.Task;
        }

        return held is null
            ? inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken)
            : held.ContinueWith(
                _ => inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).Unwrap();
    }

    public Task DeleteMessagesToAsync(PersistenceId persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public Task<IReadOnlyList<PersistenceId>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default) =>
        inner.CurrentPersistenceIdsAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
