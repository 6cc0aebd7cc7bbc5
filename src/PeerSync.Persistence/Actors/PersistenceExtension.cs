using System.Collections.Concurrent;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Model;
using PeerSync.Persistence.Snapshots;

namespace PeerSync.Persistence;

/// <summary>
/// What the persistent actors of one actor system write to: the journal, the snapshot store and
/// the serializer registry the host configured with <c>system.ConfigurePersistence(...)</c>. The
/// host owns the stores: it disposes them after the system has terminated.
/// </summary>
public sealed class PersistenceExtension
{
    // Writes an actor left in flight when it stopped or restarted, by persistence id. The next
    // incarnation of that id waits for them before it reads the journal, so it never recovers
    // behind a write that is still landing (and then collides with it).
    private readonly ConcurrentDictionary<PersistenceId, Task> _unsettledWrites = new();

    internal PersistenceExtension(
        ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, SerializationRegistry serialization, PersistenceSettings settings, string description)
    {
        System = system;
        Journal = journal;
        SnapshotStore = snapshotStore;
        Serialization = serialization;
        Settings = settings;
        Description = description;
        WriterId = settings.WriterId ?? $"{system.Name}-{Guid.NewGuid():N}"[..(system.Name.Length + 13)];
        RecoveryPermits = new RecoveryPermits(settings.MaxConcurrentRecoveries);
    }

    public ActorSystem System { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    /// <summary>Events and snapshots are encoded here (the system's registry unless the host gave another).</summary>
    public SerializationRegistry Serialization { get; }

    public PersistenceSettings Settings { get; }

    /// <summary>Stored with every event this system writes (see <see cref="PersistenceSettings.WriterId"/>).</summary>
    public string WriterId { get; }

    /// <summary>The provider and location, for errors and logs (never a password).</summary>
    public string Description { get; }

    /// <summary>Recoveries running now (at most <see cref="PersistenceSettings.MaxConcurrentRecoveries"/>).</summary>
    public int RecoveriesInProgress => RecoveryPermits.InUse;

    internal RecoveryPermits RecoveryPermits { get; }

    /// <summary>Remembers a write a stopping incarnation of <paramref name="persistenceId"/> leaves in flight.</summary>
    internal void TrackUnsettledWrite(PersistenceId persistenceId, Task write)
    {
        _unsettledWrites[persistenceId] = write;
        write.ContinueWith(
            static (t, state) =>
            {
                var (writes, id) = ((ConcurrentDictionary<PersistenceId, Task>, PersistenceId))state!;
                writes.TryRemove(KeyValuePair.Create(id, t));
            },
            (_unsettledWrites, persistenceId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Completes (never faults) once the writes an earlier incarnation of
    /// <paramref name="persistenceId"/> left in flight have completed. Journals complete writes in
    /// call order, so the last one tracked stands for all of them.
    /// </summary>
    internal Task WhenWritesSettled(PersistenceId persistenceId) =>
        _unsettledWrites.TryGetValue(persistenceId, out var write) && !write.IsCompleted
            ? write.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            : Task.CompletedTask;
}
