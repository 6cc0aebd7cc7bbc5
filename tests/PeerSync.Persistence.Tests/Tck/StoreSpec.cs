using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Snapshots;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>Base of the conformance specs: fresh storage per test, opened before and removed after.</summary>
public abstract class StoreSpec : IAsyncLifetime
{
    private StoreTarget? _target;
    private PersistenceStores? _stores;

    protected StoreTarget Target => _target ?? throw new InvalidOperationException("the spec is not initialized");

    protected PersistenceStores Stores => _stores ?? throw new InvalidOperationException("the spec is not initialized");

    protected IJournal Journal => Stores.Journal;

    protected ISnapshotStore Snapshots => Stores.SnapshotStore;

    protected abstract StoreTarget CreateTarget();

    public async Task InitializeAsync()
    {
        _target = CreateTarget();
        _stores = await _target.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }

    /// <summary>Closes the stores and opens them again on the same data.</summary>
    protected async Task ReopenAsync()
    {
        await Stores.DisposeAsync();
        _stores = null;
        _stores = await Target.OpenAsync();
    }
}
