using Microsoft.Extensions.DependencyInjection;
using PeerSync.Actors;
using PeerSync.Hosting.Api;

namespace PeerSync.Hosting;

/// <summary><c>services.AddPeerSync(...)</c>: a PeerSync node inside a Microsoft.Extensions host.</summary>
public static class PeerSyncServiceCollectionExtensions
{
    /// <summary>
    /// Runs a PeerSync node as a hosted service. Its options are the `peersync` section of the
    /// host's <c>IConfiguration</c> (appsettings.json, environment `PEERSYNC__...`, or HOCON through
    /// <c>AddHoconFile</c>), adjusted by <paramref name="configure"/>, and validated when the host
    /// starts. Registers <see cref="PeerSyncRuntime"/>, <see cref="ActorSystem"/>,
    /// <see cref="IPeerSyncApi"/> and <see cref="ActorRegistry"/> (the first three usable once the
    /// host started). One node per service collection.
    /// </summary>
    /// <exception cref="InvalidOperationException">AddPeerSync was called on these services already.</exception>
    public static IServiceCollection AddPeerSync(this IServiceCollection services, Action<PeerSyncBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PeerSyncBuilder)))
        {
            throw new InvalidOperationException("AddPeerSync was called twice on the same services: a host runs one PeerSync node; put every setting in one AddPeerSync call");
        }

        var builder = new PeerSyncBuilder(services);
        configure?.Invoke(builder);
        services.AddSingleton(builder);
        services.AddSingleton<ActorRegistry>();
        services.AddSingleton<PeerSyncRuntime>();
        services.AddSingleton(sp => sp.GetRequiredService<PeerSyncRuntime>().System);
        services.AddSingleton<IPeerSyncApi>(sp => sp.GetRequiredService<PeerSyncRuntime>().Api);
        services.AddHostedService<PeerSyncHostedService>();
        return services;
    }
}
