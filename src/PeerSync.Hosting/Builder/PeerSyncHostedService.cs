using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Logging;
using PeerSync.Hosting.Node;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting;

/// <summary>
/// Runs the node of <c>AddPeerSync</c> with the host (docs/design/node-host.md). Start: bind the
/// `peersync` section, apply the builder, validate (a bad or missing setting fails the host's start
/// with <see cref="PeerSyncOptionsException"/> naming every key), start the node, the application's
/// actors, then join. Stop: the node's graceful stop (flush, leave, drain), bounded by the host's
/// shutdown timeout.
/// </summary>
internal sealed partial class PeerSyncHostedService : IHostedService
{
    private readonly PeerSyncBuilder _builder;
    private readonly PeerSyncRuntime _runtime;
    private readonly IServiceProvider _services;
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;

    public PeerSyncHostedService(PeerSyncBuilder builder, PeerSyncRuntime runtime, IServiceProvider services, IConfiguration configuration, ILoggerFactory loggers)
    {
        _builder = builder;
        _runtime = runtime;
        _services = services;
        _configuration = configuration;
        _loggers = loggers;
        _log = loggers.CreateLogger("PeerSync.Hosting.PeerSyncHostedService");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var options = PeerSyncOptionsBinder.Bind(_configuration);
            foreach (var configure in _builder.OptionActions)
            {
                configure(options);
            }

            options.EnsureValid();
            var sync = NodeSyncComposition.Create();
            var services = new PeerSyncNodeServices
            {
                LoggerFactory = _loggers,
                TimeProvider = _services.GetService<TimeProvider>() ?? TimeProvider.System,
                Components = [.. sync.Components, .. _builder.ComponentFactories.Select(create => create(_services))],
                JoinOnStart = false,
            };
            var node = await PeerSyncNode.StartAsync(options, services, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var start in _builder.ActorStarters)
                {
                    start(node.System, _runtime.Registry, _services);
                }
            }
            catch
            {
                // Not joined yet: nobody knows this incarnation, so there is nobody to say goodbye to.
                await node.KillAsync().ConfigureAwait(false);
                throw;
            }

            _runtime.SetStarted(node, new NodeApi(node, sync.Parts(), _services.GetService<RecentLogEvents>()));
            node.Cluster.Join();
            Started(_log, node.SelfNode.Id.Value, node.Address.ToString());
        }
        catch (Exception e)
        {
            _runtime.SetFailed(e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_runtime.IsStarted)
        {
            return;
        }

        var node = _runtime.Node;
        try
        {
            await node.StopAsync(cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout passed: the process is about to end, which peers see as a crash.
            StopAbandoned(_log, node.SelfNode.Id.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PeerSync node {NodeId} runs with the host at {Address}")]
    private static partial void Started(ILogger logger, string nodeId, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PeerSync node {NodeId} did not stop within the host's shutdown timeout; raise HostOptions.ShutdownTimeout above the leave timeout")]
    private static partial void StopAbandoned(ILogger logger, string nodeId);
}
