using Microsoft.Extensions.Hosting;

namespace PeerSync.Node.Http;

/// <summary>
/// Replaces the console lifetime a web application would install: the HTTP server must not catch
/// Ctrl-C or SIGTERM itself, since the node shuts down in its own order (stop taking writes, flush,
/// leave the cluster) and stops the server as one step of that.
/// </summary>
internal sealed class NodeHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
