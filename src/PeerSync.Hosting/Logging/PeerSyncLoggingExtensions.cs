using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

namespace PeerSync.Hosting.Logging;

/// <summary>Puts a node's logging into a Microsoft.Extensions host (the HTTP host, an embedding application).</summary>
public static class PeerSyncLoggingExtensions
{
    /// <summary>
    /// Routes the host's logging through <paramref name="logging"/> (replacing its other providers)
    /// and registers <see cref="RecentLogEvents"/> as a singleton service. The host's own
    /// `Logging` configuration section can still filter on top; PeerSync's levels come from
    /// `peersync.logging`.
    /// </summary>
    public static ILoggingBuilder AddPeerSyncLogging(this ILoggingBuilder builder, NodeLogging logging)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(logging);
        builder.ClearProviders();
        builder.AddSerilog(logging.Logger, dispose: false);
        builder.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton(logging.Recent);
        return builder;
    }
}
