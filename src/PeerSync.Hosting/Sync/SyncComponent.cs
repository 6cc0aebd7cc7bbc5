using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Node;
using PeerSync.Persistence;
using PeerSync.Persistence.Configuration;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Diagnostics;
using PeerSync.Sync.Host;
using PeerSync.Sync.Storage;
using PeerSync.Sync.Storage.InMemory;

namespace PeerSync.Hosting.Sync;

/// <summary>
/// The node's sync part (docs/design/sync.md, "Host"): opens the record store and, unless the node
/// already has persistence, the journal for the peer actors (both on `peersync.persistence`), then
/// starts the <see cref="SyncHost"/> (/system/sync). Add it to <see cref="PeerSyncNodeServices.Components"/>;
/// the HTTP layer takes <see cref="Records"/>, <see cref="Sync"/> and <see cref="IsReady"/> from it.
/// A graceful stop flushes pending changes to the peers (bounded) while the node is still a member.
/// </summary>
public sealed class SyncComponent : INodeComponent
{
    private readonly SyncComponentSettings _settings;
    private SyncHost? _host;
    private PersistenceStores? _ownedPersistence;
    private SyncMetrics? _ownedMetrics;

    public SyncComponent(SyncComponentSettings? settings = null) => _settings = settings ?? new SyncComponentSettings();

    public string Name => "sync";

    /// <summary>The running host; throws before <see cref="StartAsync"/>.</summary>
    public SyncHost Host => _host ?? throw new InvalidOperationException("the sync component has not started");

    /// <summary>Record reads and writes for the HTTP API and embedders (writes throw <see cref="NodeNotReadyException"/> until ready).</summary>
    public IRecordsApi Records { get; private set; } = null!;

    /// <summary>Sync status and per-peer state for the HTTP API.</summary>
    public ISyncApi Sync { get; private set; } = null!;

    /// <summary>The backfill state: Uninitialized, Backfilling, CatchingUp, Ready (Uninitialized before start).</summary>
    public BackfillPhase State => _host?.Phase ?? BackfillPhase.Uninitialized;

    /// <summary>True once the node's sync is Ready (backfill and catch-up done) and it is not stopping: health reports ready.</summary>
    public bool IsReady => _host?.IsReady ?? false;

    /// <summary>Why the node is not ready (null when it is), for `/v1/health/ready`.</summary>
    public string? NotReadyReason => _host is null ? "sync has not started"
        : _host.IsReady ? null
        : _host.Snapshot.Stopping ? "the node is stopping"
        : $"sync is {_host.Phase}";

    public async Task StartAsync(PeerSyncNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var options = node.Options;
        var config = options.ToSyncConfig();
        if (node.System.GetExtension<PersistenceExtension>() is null)
        {
            _ownedPersistence = await PersistenceFactory.OpenAsync(
                options.Persistence.ToPersistenceOptions(node.DataDirectory), node.LoggerFactory, node.TimeProvider, cancellationToken).ConfigureAwait(false);
            node.System.ConfigurePersistence(_ownedPersistence);
        }

        var metrics = _settings.Metrics ?? (_ownedMetrics = new SyncMetrics());
        var opened = OpenStore(node);
        var store = _settings.WrapStore?.Invoke(opened) ?? opened;
        try
        {
            _host = await SyncHost.StartAsync(node.System, new SyncHostSettings
            {
                Config = config,
                Store = store,
                DataEpoch = node.DataEpoch,
                PhysicalClock = _settings.PhysicalClock,
                Metrics = metrics,
                FlushTimeout = options.Sync.ShutdownFlushTimeout,
                AntiEntropy = _settings.AntiEntropy,
                RetireAfterRemoval = options.Sync.RetireAfterRemoval,
                MaxPendingWrites = options.Sync.MaxPendingWrites,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        metrics.ObserveHost(() => _host.Snapshot);
        Records = new SyncRecordsApi(_host);
        Sync = new SyncStatusApi(_host, options.Sync.Mode);
    }

    public async Task StopAsync(PeerSyncNode node, NodeStopKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (_host is { } host)
        {
            if (kind == NodeStopKind.Graceful)
            {
                try
                {
                    await host.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    node.LoggerFactory.CreateLogger<SyncComponent>().LogWarning(e, "Sync of {NodeId} did not confirm its flush; stopping anyway", node.SelfNode.Id);
                }
            }

            await host.CloseAsync(node.Options.Sync.ShutdownFlushTimeout).ConfigureAwait(false);
        }

        if (_ownedPersistence is not null)
        {
            await _ownedPersistence.DisposeAsync().ConfigureAwait(false);
        }

        _ownedMetrics?.Dispose();
    }

    private IRecordStore OpenStore(PeerSyncNode node)
    {
        var persistence = node.Options.Persistence;
        return persistence.Provider.Trim().ToLowerInvariant() switch
        {
            PersistenceFactory.Sqlite => RecordStores.Sqlite(persistence.ToSqliteRecordStoreOptions(node.DataDirectory, node.TimeProvider)),
            PersistenceFactory.Postgres => RecordStores.Postgres(persistence.ToPostgresRecordStoreOptions(node.TimeProvider, node.LoggerFactory.CreateLogger<RecordStore>())),
            PersistenceFactory.InMemory => RecordStores.InMemory(_settings.InMemoryStorage ?? new InMemoryStorage()),
            var other => throw new InvalidOperationException($"peersync.persistence.provider '{other}' has no record store; use sqlite, postgres or inmemory"),
        };
    }
}
