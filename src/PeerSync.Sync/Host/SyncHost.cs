using System.Runtime.CompilerServices;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

/// <summary>
/// The thread-safe face of a node's sync (docs/design/sync.md, "Host"): local writes (committed in
/// groups by the <see cref="SyncCoordinator"/> at /system/sync), reads straight from the record
/// store, the change feed, readiness and per-peer status. Start one per node with
/// <see cref="StartAsync"/> after remoting, the cluster part and persistence, before the node joins.
/// </summary>
public sealed class SyncHost
{
    /// <summary>Where the coordinator lives on every node.</summary>
    public const string ActorPath = "/system/sync";

    private readonly SyncHostShared _shared;
    private int _stopped;

    private SyncHost(ActorSystem system, SyncHostSettings settings, SyncHostShared shared, IActorRef coordinator, NodeId self)
    {
        System = system;
        Settings = settings;
        _shared = shared;
        Coordinator = coordinator;
        Self = self;
    }

    public ActorSystem System { get; }

    public SyncHostSettings Settings { get; }

    public NodeId Self { get; }

    /// <summary>The record store (reads may run on any thread; only the coordinator writes).</summary>
    public IRecordStore Store => Settings.Store;

    internal IActorRef Coordinator { get; }

    /// <summary>The latest published state (phase, watermarks, peers, counters).</summary>
    public SyncHostSnapshot Snapshot => _shared.Snapshot;

    public BackfillPhase Phase => Snapshot.Phase;

    /// <summary>True once backfill and catch-up are done (and the node is not stopping): it serves reads and takes writes.</summary>
    public bool IsReady => Snapshot.IsReady;

    /// <summary>The last local apply position (the change feed's "now").</summary>
    public long LastPosition => _shared.LastPosition;

    /// <summary>
    /// Opens the store (adopting <see cref="SyncHostSettings.DataEpoch"/> when it is new), registers
    /// the wire and journal messages with the system's serializer registry and starts the coordinator.
    /// </summary>
    /// <exception cref="RecordStoreException">The store belongs to another node or has a newer schema.</exception>
    public static async Task<SyncHost> StartAsync(ActorSystem system, SyncHostSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        var self = system.Remoting().Self.Id;
        await settings.Store.OpenAsync(self, settings.DataEpoch, cancellationToken).ConfigureAwait(false);
        system.Serialization().AddProtobuf(V1.SyncReflection.Descriptor);
        var shared = new SyncHostShared();
        var coordinator = system.SystemActorOf(SyncCoordinator.Props(settings, shared), "sync");
        return new SyncHost(system, settings, shared, coordinator, self);
    }

    /// <summary>
    /// Writes <paramref name="value"/> (JSON; null deletes) and returns once it is durable locally.
    /// The outcome says whether it was refused (not the owner of an owned record).
    /// </summary>
    /// <exception cref="SyncNotReadyException">The node is backfilling, catching up or stopping.</exception>
    public Task<LocalWriteOutcome> WriteAsync(CollectionName collection, RecordKey key, string? value, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            return Task.FromException<LocalWriteOutcome>(new SyncNotReadyException("the node is stopping"));
        }

        if (Interlocked.Increment(ref _shared.PendingWrites) > Settings.MaxPendingWrites)
        {
            // Back-pressure instead of unbounded memory: the caller (HTTP: 503) retries later.
            Interlocked.Decrement(ref _shared.PendingWrites);
            return Task.FromException<LocalWriteOutcome>(new SyncNotReadyException(
                $"{Settings.MaxPendingWrites} writes are already waiting for the store; retry shortly"));
        }

        var done = new TaskCompletionSource<LocalWriteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _shared.Writes.Enqueue(new PendingWrite(collection, key, value, done));
        if (Interlocked.Exchange(ref _shared.Nudged, 1) == 0)
        {
            Coordinator.Tell(WritesPending.Instance, null);
        }

        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>
    /// Applied changes (local and remote) after local position <paramref name="since"/> (null: from
    /// now), in apply order, as the newest state of each record. Ends when cancelled.
    /// </summary>
    public IAsyncEnumerable<AppliedChange> ChangesAsync(long? since, CancellationToken cancellationToken = default) =>
        // "Now" is the moment of the call, not of the first MoveNextAsync.
        FeedAsync(since ?? _shared.LastPosition, cancellationToken);

    private async IAsyncEnumerable<AppliedChange> FeedAsync(long position, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var signal = _shared.Changes.Next;
            var page = await Store.ReadChangesAsync(position, 500, cancellationToken).ConfigureAwait(false);
            foreach (var change in page.Changes)
            {
                yield return change;
            }

            position = page.LastPosition;
            if (page.Changes.Count == 0)
            {
                try
                {
                    await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The subscriber went away: the feed ends quietly.
                    yield break;
                }
            }
        }
    }

    public IReadOnlyList<SyncPeerState> Peers() => Snapshot.PeerStates;

    /// <summary>
    /// Graceful: stop taking writes, release the pending batch, wait up to
    /// <see cref="SyncHostSettings.FlushTimeout"/> for the peers to acknowledge, then stop the
    /// coordinator. Returns whether every connected peer acknowledged everything.
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _stopped, 1);
        var reply = await Coordinator.Ask<Flushed>(new FlushRequest(Settings.FlushTimeout), Settings.FlushTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return reply.AllAcknowledged;
    }

    /// <summary>
    /// Stops the coordinator and its peer actors (when the actor system still runs), then closes the
    /// store. After a kill the actor system is already gone and only the store is closed.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _stopped, 1);
        if (!System.WhenTerminated.IsCompleted)
        {
            try
            {
                await ActorTermination.StopAndWaitAsync(System, Coordinator, timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The store closes anyway; a coordinator still running then fails and is logged.
            }
        }

        foreach (var waiter in _shared.Writes)
        {
            waiter.Done.TrySetException(new SyncNotReadyException("the node stopped"));
        }

        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
