using PeerSync.Persistence.GroupCommit;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Tests.GroupCommit;

/// <summary>
/// A scriptable backend: records each batch, can hold a batch open until released (so tests can
/// queue writes behind it deterministically), and answers through <see cref="Respond"/>.
/// </summary>
internal sealed class FakeBackend : IGroupCommitBackend
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly List<IReadOnlyList<AtomicWrite>> _batches = [];
    private readonly SemaphoreSlim _started = new(0);
    private TaskCompletionSource? _hold;

    /// <summary>The answer for a batch: default stores everything.</summary>
    public Func<IReadOnlyList<AtomicWrite>, Exception?[]> Respond { get; set; } = batch => new Exception?[batch.Count];

    public IReadOnlyList<IReadOnlyList<AtomicWrite>> Batches
    {
        get
        {
            lock (_gate)
            {
                return _batches.ToList();
            }
        }
    }

    /// <summary>The next batch stays open until <see cref="Release"/>.</summary>
    public void HoldNext()
    {
        lock (_gate)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    /// <summary>Waits until a batch reached the backend.</summary>
    public async Task WaitForBatchAsync() =>
        Assert.True(await _started.WaitAsync(Patience), "no batch reached the backend");

    public async Task<Exception?[]> WriteBatchAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken)
    {
        Task held;
        lock (_gate)
        {
            _batches.Add(batch.ToList());
            held = _hold?.Task ?? Task.CompletedTask;
        }

        _started.Release();
        await held;
        return Respond(batch);
    }
}
