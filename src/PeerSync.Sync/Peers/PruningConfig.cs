namespace PeerSync.Sync.Peers;

/// <summary>Validated pruning settings (see <see cref="Configuration.SyncOptions.RetiredOriginRetention"/>).</summary>
public sealed record PruningConfig(long RetiredOriginRetentionMs)
{
    public static readonly PruningConfig Default = new(24 * 3600 * 1000L);
}
