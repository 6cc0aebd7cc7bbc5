namespace PeerSync.Hosting.Api.Node;

/// <summary>
/// What <see cref="NodeApi"/> takes from the node's sync part: the record operations, the sync
/// state and whether sync is ready (first full sync or backfill done). The sync component
/// provides all of them; the facade only routes to them.
/// </summary>
/// <param name="Records">Reads and writes of records on this node.</param>
/// <param name="Sync">Per-peer replication state and the sync status.</param>
/// <param name="IsReady">True once the node may serve reads and take writes (backfill done).</param>
/// <param name="NotReadyReason">Why sync is not ready (null when it is); null: the reason is derived from <see cref="ISyncApi.Status"/>.</param>
public sealed record NodeSyncParts(IRecordsApi Records, ISyncApi Sync, Func<bool> IsReady, Func<string?>? NotReadyReason = null);
