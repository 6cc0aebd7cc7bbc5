namespace PeerSync.Sync.Storage.InMemory;

/// <summary>The in-memory provider: every transaction holds the storage lock (reads too).</summary>
internal sealed class InMemoryBackend(InMemoryStorage storage) : IStoreBackend
{
    public const int SchemaVersion = 1;

    public string Name => "in-memory";

    public async ValueTask MigrateAsync(CancellationToken ct)
    {
        await storage.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (storage.SchemaVersion > SchemaVersion)
            {
                throw new RecordStoreException($"the in-memory record store has schema version {storage.SchemaVersion}, newer than this build supports ({SchemaVersion})");
            }

            storage.SchemaVersion = SchemaVersion;
        }
        finally
        {
            storage.Lock.Release();
        }
    }

    public bool LostConnection(Exception failure) => false;

    public void DropIdleConnections(Exception failure, string operation)
    {
    }

    public async ValueTask<IStoreSession> BeginAsync(bool write, CancellationToken ct)
    {
        await storage.Lock.WaitAsync(ct).ConfigureAwait(false);
        return new InMemorySession(storage, write);
    }

    /// <summary>Reads take the storage lock like any session: one statement or many, they see one state.</summary>
    public ValueTask<IStoreSession> BeginOneReadAsync(CancellationToken ct) => BeginAsync(false, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
