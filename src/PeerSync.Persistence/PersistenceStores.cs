using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Snapshots;

namespace PeerSync.Persistence;

/// <summary>
/// A node's journal and snapshot store, opened together over one database by
/// <see cref="Configuration.PersistenceFactory"/>. Disposing flushes queued journal writes, then
/// closes the database.
/// </summary>
public sealed class PersistenceStores : IAsyncDisposable
{
    private readonly IAsyncDisposable? _database;
    private int _disposed;

    internal PersistenceStores(string provider, string location, IJournal journal, ISnapshotStore snapshotStore, IAsyncDisposable? database)
    {
        Provider = provider;
        Location = location;
        Journal = journal;
        SnapshotStore = snapshotStore;
        _database = database;
    }

    /// <summary>`sqlite`, `postgres` or `inmemory`.</summary>
    public string Provider { get; }

    /// <summary>The database file or server schema, for logs (never a password).</summary>
    public string Location { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Journal.DisposeAsync().ConfigureAwait(false);
        await SnapshotStore.DisposeAsync().ConfigureAwait(false);
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }
}
