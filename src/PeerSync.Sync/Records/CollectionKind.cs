namespace PeerSync.Sync.Records;

/// <summary>How a collection syncs (`peersync.sync.collections.&lt;name&gt;.kind`).</summary>
public enum CollectionKind
{
    /// <summary>Any node writes; changes are logged, ordered by (HLC, origin) and merged last-writer-wins.</summary>
    Shared = 0,

    /// <summary>Each record belongs to the node that created it; only it may change it; state-based, no log.</summary>
    Owned = 1,

    /// <summary>
    /// Leader mode only: the leader sequences every write. Known to configuration, not served by the
    /// leaderless cores in this assembly.
    /// </summary>
    Sequenced = 2,
}
