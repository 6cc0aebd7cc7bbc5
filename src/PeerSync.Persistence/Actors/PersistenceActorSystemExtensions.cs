using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Journal;
using PeerSync.Persistence.Snapshots;

namespace PeerSync.Persistence;

/// <summary>Configures and finds the persistence of an actor system.</summary>
public static class PersistenceActorSystemExtensions
{
    /// <summary>
    /// Makes <paramref name="stores"/> the journal and snapshot store of every persistent actor of
    /// <paramref name="system"/>, with the system's serializer registry. Call once, before the first
    /// persistent actor starts; a second call throws.
    /// </summary>
    public static PersistenceExtension ConfigurePersistence(this ActorSystem system, PersistenceStores stores, PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return system.ConfigurePersistence(stores.Journal, stores.SnapshotStore, settings, serialization: null, $"{stores.Provider} at {stores.Location}");
    }

    /// <summary>
    /// As <see cref="ConfigurePersistence(ActorSystem, PersistenceStores, PersistenceSettings?)"/>
    /// with a journal and snapshot store of the caller's choosing (tests wrap them to inject delays
    /// or faults) and optionally another serializer registry.
    /// </summary>
    public static PersistenceExtension ConfigurePersistence(
        this ActorSystem system,
        IJournal journal,
        ISnapshotStore snapshotStore,
        PersistenceSettings? settings = null,
        SerializationRegistry? serialization = null,
        string? description = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshotStore);
        settings ??= PersistenceSettings.Default;
        settings.Validate();
        var created = new PersistenceExtension(
            system, journal, snapshotStore, serialization ?? system.Serialization(), settings, description ?? journal.GetType().Name);
        var installed = system.GetOrAddExtension(_ => created);
        if (!ReferenceEquals(installed, created))
        {
            throw new InvalidOperationException(
                $"persistence of actor system '{system.Name}' is already configured ({installed.Description}); configure it once, before the first persistent actor starts");
        }

        return installed;
    }

    /// <summary>The persistence of <paramref name="system"/>; throws, saying what to do, when none is configured.</summary>
    public static PersistenceExtension Persistence(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<PersistenceExtension>()
            ?? throw new InvalidOperationException(
                $"persistence is not configured for actor system '{system.Name}': open the stores with PersistenceFactory.OpenAsync "
                + "and call system.ConfigurePersistence(stores) before starting persistent actors");
    }
}
