using PeerSync.Persistence.Configuration;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// One provider's storage for one test: a fresh temp data dir, PostgreSQL schema or in-memory
/// store. Opening again reaches the same data; disposing removes it.
/// </summary>
public abstract class StoreTarget : IAsyncDisposable
{
    public abstract Task<PersistenceStores> OpenAsync(JournalOptions? journal = null);

    /// <summary>Runs raw SQL against the provider's database (schema tests tamper with it).</summary>
    public abstract Task ExecuteSqlAsync(string sql);

    public abstract ValueTask DisposeAsync();
}
