namespace PeerSync.Persistence.InMemory;

/// <summary>The operations of the in-memory stores that <see cref="InMemoryFaults"/> can make fail.</summary>
public enum StoreOperation
{
    Write,
    Replay,
    ReadHighestSequenceNr,
    DeleteMessages,
    CurrentPersistenceIds,
    SaveSnapshot,
    LoadSnapshot,
    DeleteSnapshot,
}
