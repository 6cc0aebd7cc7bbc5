using Microsoft.Extensions.DependencyInjection;
using PeerSync.Actors;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;
using PeerSync.Persistence.Configuration;
using PeerSync.Sync.Configuration;
using PeerSync.Sync.Records;

namespace PeerSync.Hosting;

/// <summary>
/// The fluent part of <c>services.AddPeerSync(...)</c>, in the spirit of Akka.Hosting: each method
/// adjusts the options bound from configuration (applied in call order, after binding, before
/// validation) or adds something to start with the node. Nothing happens until the host starts.
/// </summary>
public sealed class PeerSyncBuilder
{
    private readonly List<Action<PeerSyncOptions>> _options = [];
    private readonly List<Action<ActorSystem, ActorRegistry, IServiceProvider>> _actors = [];
    private readonly List<Func<IServiceProvider, INodeComponent>> _components = [];

    internal PeerSyncBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services, for registrations that belong with the node.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyList<Action<PeerSyncOptions>> OptionActions => _options;

    internal IReadOnlyList<Action<ActorSystem, ActorRegistry, IServiceProvider>> ActorStarters => _actors;

    internal IReadOnlyList<Func<IServiceProvider, INodeComponent>> ComponentFactories => _components;

    /// <summary>`node.id`, and `node.roles` when given.</summary>
    public PeerSyncBuilder WithNode(string id, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        return ConfigureOptions(o =>
        {
            o.Node.Id = id;
            if (roles.Length > 0)
            {
                o.Node.Roles = [.. roles];
            }
        });
    }

    /// <summary>`remote.hostname` and `remote.port` (0: any free port), and `remote.secret` when given.</summary>
    public PeerSyncBuilder WithRemoting(string hostname, int port, string? secret = null) =>
        ConfigureOptions(o =>
        {
            o.Remote.Hostname = hostname;
            o.Remote.Port = port;
            if (secret is not null)
            {
                o.Remote.Secret = secret;
            }
        });

    /// <summary>`cluster.seed-nodes` (host:port of the seeds' remote endpoints), and `cluster.name` when given.</summary>
    public PeerSyncBuilder WithClustering(IEnumerable<string> seedNodes, string? clusterName = null)
    {
        ArgumentNullException.ThrowIfNull(seedNodes);
        var seeds = seedNodes.ToList();
        return ConfigureOptions(o =>
        {
            o.Cluster.SeedNodes = [.. seeds];
            if (clusterName is not null)
            {
                o.Cluster.Name = clusterName;
            }
        });
    }

    /// <summary>`persistence.provider` (sqlite, postgres, inmemory) and its `connection-string` when given.</summary>
    public PeerSyncBuilder WithPersistence(string provider, string? connectionString = null) =>
        ConfigureOptions(o =>
        {
            o.Persistence.Provider = provider;
            if (connectionString is not null)
            {
                o.Persistence.ConnectionString = connectionString;
            }
        });

    /// <summary>SQLite files in `node.data-dir` (the default provider).</summary>
    public PeerSyncBuilder WithSqlitePersistence() => WithPersistence(PersistenceFactory.Sqlite);

    /// <summary>PostgreSQL through the Npgsql <paramref name="connectionString"/>.</summary>
    public PeerSyncBuilder WithPostgresPersistence(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return WithPersistence(PersistenceFactory.Postgres, connectionString);
    }

    /// <summary>`sync.mode`: leader or leaderless.</summary>
    public PeerSyncBuilder WithSyncMode(string mode) => ConfigureOptions(o => o.Sync.Mode = mode);

    /// <summary>`sync.collections.&lt;name&gt;.kind`: how collection <paramref name="name"/> syncs.</summary>
    public PeerSyncBuilder WithCollection(string name, CollectionKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var value = kind.ToString().ToLowerInvariant();
        return ConfigureOptions(o => o.Sync.Collections[name] = new SyncCollectionOptions { Kind = value });
    }

    /// <summary>Any other adjustment of the bound options (validated afterwards like the rest).</summary>
    public PeerSyncBuilder ConfigureOptions(Action<PeerSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _options.Add(configure);
        return this;
    }

    /// <summary>
    /// Starts the application's own actors once the actor system runs and before the node joins
    /// (so they can subscribe to cluster events before any member shows up). Register the ones
    /// other services need in the <see cref="ActorRegistry"/>. Starters run in call order; one that
    /// throws fails the host's start (the node is stopped again).
    /// </summary>
    public PeerSyncBuilder WithActors(Action<ActorSystem, ActorRegistry> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _actors.Add((system, registry, _) => start(system, registry));
        return this;
    }

    /// <summary><see cref="WithActors(Action{ActorSystem, ActorRegistry})"/> with the application's services.</summary>
    public PeerSyncBuilder WithActors(Action<ActorSystem, ActorRegistry, IServiceProvider> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _actors.Add(start);
        return this;
    }

    /// <summary>A further node part, started after the sync part and stopped before it (see <see cref="INodeComponent"/>).</summary>
    public PeerSyncBuilder WithComponent(Func<IServiceProvider, INodeComponent> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _components.Add(create);
        return this;
    }
}
