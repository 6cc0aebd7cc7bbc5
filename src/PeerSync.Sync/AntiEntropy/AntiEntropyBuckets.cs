namespace PeerSync.Sync.AntiEntropy;

/// <summary>
/// The fixed number of key-hash buckets per collection. Part of the store format and the wire
/// protocol (both sides must bucket alike): 1024 buckets keep a digest exchange to 8 KiB per
/// collection and a differing bucket of a 100 000-record collection to about 100 entries.
/// </summary>
public static class AntiEntropyBuckets
{
    public const int Count = 1024;
}
