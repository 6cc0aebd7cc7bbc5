using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Sync.Tests.Storage;

public sealed class InMemoryRecordStoreTests : RecordStoreConformance
{
    private readonly InMemoryStorage _storage = new();

    internal override IStoreBackend CreateBackend() => new InMemoryBackend(_storage);

    protected override Task MakeSchemaNewerAsync()
    {
        _storage.SchemaVersion = InMemoryBackend.SchemaVersion + 1;
        return Task.CompletedTask;
    }
}
