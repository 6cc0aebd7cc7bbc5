using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerSync.Hosting.Configuration.Binding;

namespace PeerSync.Hosting.Options;

/// <summary>Registers the node's options in an application's services.</summary>
public static class PeerSyncOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates the `peersync` section of <paramref name="configuration"/> now, so a bad
    /// setting fails at startup with <see cref="PeerSyncOptionsException"/> rather than later, and
    /// registers the result as a singleton <see cref="PeerSyncOptions"/>.
    /// </summary>
    public static IServiceCollection AddPeerSyncOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSingleton(PeerSyncOptionsBinder.Load(configuration));
    }
}
