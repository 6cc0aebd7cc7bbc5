using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Options;
using PeerSync.Node.Http.Pipeline;
using PeerSync.Node.Http.Routes;
using PeerSync.Node.Metrics;

namespace PeerSync.Node.Http;

/// <summary>
/// The node's HTTP API (docs/http-api.md) and /metrics on Kestrel, serving an <see cref="IPeerSyncApi"/>.
/// Start it with <see cref="StartAsync(IPeerSyncApi, HttpOptions, ILoggerFactory, TimeProvider, CancellationToken)"/>,
/// read where it listens from <see cref="Address"/>, and stop it with <see cref="StopAsync"/> or by
/// disposing it: open event streams end cleanly, requests in flight get <see cref="ShutdownTimeout"/>
/// to finish. The server installs no signal handlers; the node decides when to stop it.
/// Design: docs/design/http-server.md.
/// </summary>
public sealed class NodeHttpServer : IAsyncDisposable
{
    /// <summary>How long a stop waits for requests in flight before closing their connections.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A comment line on every idle event stream this often, well under the 30-60 s idle timeouts of common proxies.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly PrometheusExporter? _ownedMetrics;
    private readonly ILogger _logger;
    private int _stopped;

    private NodeHttpServer(WebApplication app, CancellationTokenSource stopping, PrometheusExporter? ownedMetrics, ILogger logger, Uri address)
    {
        _app = app;
        _stopping = stopping;
        _ownedMetrics = ownedMetrics;
        _logger = logger;
        Address = address;
        EndPoint = new IPEndPoint(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port);
    }

    /// <summary>The bound address, e.g. http://127.0.0.1:8053 (with the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Binds <see cref="HttpOptions.Hostname"/>:<see cref="HttpOptions.Port"/> and starts serving.
    /// Throws <see cref="IOException"/> naming the address when it cannot listen there (port in use,
    /// unknown host name).
    /// </summary>
    public static Task<NodeHttpServer> StartAsync(
        IPeerSyncApi api, HttpOptions options, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken) =>
        StartAsync(api, options, loggers, time, DefaultHeartbeatInterval, metrics: null, cancellationToken);

    /// <param name="metrics">The exporter behind /metrics; null creates one for the `PeerSync.*` meters, owned by the server.</param>
    internal static async Task<NodeHttpServer> StartAsync(
        IPeerSyncApi api,
        HttpOptions options,
        ILoggerFactory loggers,
        TimeProvider time,
        TimeSpan heartbeatInterval,
        PrometheusExporter? metrics,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(time);
        var logger = loggers.CreateLogger("PeerSync.Node.Http");
        var listenAt = new IPEndPoint(await ResolveAsync(options.Hostname, cancellationToken).ConfigureAwait(false), options.Port);
        var maxBodyBytes = Math.Min(options.MaxBodySizeBytes, Array.MaxLength);

        ProcessMetrics.EnsureCreated();
        var exporter = metrics ?? new PrometheusExporter(logger: loggers.CreateLogger("PeerSync.Node.Metrics"));
        var stopping = new CancellationTokenSource();
        var app = Build(options, loggers, listenAt, maxBodyBytes);
        Configure(app, new ApiRoutes(api, exporter, maxBodyBytes, time, heartbeatInterval, stopping.Token), options, time, logger, maxBodyBytes, stopping.Token);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            if (metrics is null)
            {
                exporter.Dispose();
            }

            throw new IOException($"{BindKey(e)}: cannot listen on {options.Hostname}:{options.Port}: {e.Message}", e);
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var server = new NodeHttpServer(app, stopping, metrics is null ? exporter : null, logger, bound);
        HttpLog.Listening(logger, bound.Authority, options.Token.Length > 0 ? "bearer token" : "none, loopback clients only");
        return server;
    }

    /// <summary>Ends the event streams, then stops listening, letting requests in flight finish (bounded by <see cref="ShutdownTimeout"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ShutdownTimeout);
        await _app.StopAsync(bounded.Token).ConfigureAwait(false);
        HttpLog.Stopped(_logger, Address.Authority);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _ownedMetrics?.Dispose();
        _stopping.Dispose();
    }

    private static WebApplication Build(HttpOptions options, ILoggerFactory loggers, IPEndPoint listenAt, long maxBodyBytes)
    {
        // The empty builder reads no environment, files or command line: the node's options are
        // the only configuration, and nothing like ASPNETCORE_URLS can move the API elsewhere.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBodyBytes;
            kestrel.Listen(listenAt);
        });
        return builder.Build();
    }

    private static void Configure(
        WebApplication app, ApiRoutes routes, HttpOptions options, TimeProvider time, ILogger logger, long maxBodyBytes, CancellationToken stopping)
    {
        app.Use(next => new ErrorHandling(next, logger, maxBodyBytes, stopping).InvokeAsync);
        if (options.RateLimit.RequestsPerSecond > 0)
        {
            var limiter = new ClientRateLimiter(options.RateLimit.RequestsPerSecond, options.RateLimit.Burst, time);
            limiter.TableFull += count => HttpLog.RateLimitTableFull(logger, count);
            app.Use(next => new RateLimiting(next, limiter).InvokeAsync);
        }

        app.Use(next => new ClientAccess(next, options.Token).InvokeAsync);
        app.UseRouting();
        app.Use(next => new RequestTimeout(next, options.RequestTimeout, time, logger).InvokeAsync);
        routes.Map(app);
    }

    /// <summary>
    /// The setting to change when binding failed: the port when it is taken or reserved, else the
    /// host name (an address this machine does not have).
    /// </summary>
    private static string BindKey(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AccessDenied })
            {
                return "peersync.http.port";
            }
        }

        return "peersync.http.hostname";
    }

    /// <summary>
    /// 127.0.0.1 for `localhost` (port 0 cannot be shared by two loopback sockets), any address for
    /// `*`, `+`, `0.0.0.0` and `::`, the literal address, or the first address a host name resolves
    /// to (IPv4 first): never every interface by accident.
    /// </summary>
    private static async Task<IPAddress> ResolveAsync(string hostname, CancellationToken cancellationToken)
    {
        var host = hostname.Trim().Trim('[', ']');
        if (host is "*" or "+")
        {
            return IPAddress.IPv6Any;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
                ?? throw new IOException($"peersync.http.hostname '{hostname}' resolves to no address");
        }
        catch (SocketException e)
        {
            throw new IOException($"peersync.http.hostname '{hostname}' cannot be resolved: {e.Message}", e);
        }
    }
}
