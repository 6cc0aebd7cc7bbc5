using PeerSync.Actors;
using PeerSync.Hosting.Api;
using PeerSync.Hosting.Api.Node;
using PeerSync.Hosting.Node;

namespace PeerSync.Hosting;

/// <summary>
/// The node that <c>AddPeerSync</c> runs, for the application's services: available once the host
/// started it (<see cref="WhenStarted"/>); before that every member throws, naming the cause.
/// Registered as a singleton, together with <see cref="ActorSystem"/>, <see cref="IPeerSyncApi"/>
/// and <see cref="ActorRegistry"/>, which resolve through it.
/// </summary>
public sealed class PeerSyncRuntime
{
    private readonly TaskCompletionSource<PeerSyncNode> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NodeApi? _api;

    public PeerSyncRuntime(ActorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
    }

    /// <summary>Completes with the node once it started (before it joined the cluster).</summary>
    public Task<PeerSyncNode> WhenStarted => _started.Task;

    public bool IsStarted => _started.Task.IsCompletedSuccessfully;

    public ActorRegistry Registry { get; }

    /// <exception cref="InvalidOperationException">The host has not started the node (yet).</exception>
    public PeerSyncNode Node => IsStarted ? _started.Task.Result : throw NotStarted();

    /// <exception cref="InvalidOperationException">The host has not started the node (yet).</exception>
    public ActorSystem System => Node.System;

    /// <summary>The node's API (what the HTTP layer serves): records, cluster, sync, health.</summary>
    /// <exception cref="InvalidOperationException">The host has not started the node (yet).</exception>
    public NodeApi Api => _api ?? throw NotStarted();

    internal void SetStarted(PeerSyncNode node, NodeApi api)
    {
        _api = api;
        _started.TrySetResult(node);
    }

    internal void SetFailed(Exception error) => _started.TrySetException(error);

    private static InvalidOperationException NotStarted() =>
        new("the PeerSync node is not running: it starts with the host (IHost.StartAsync); resolve ActorSystem and IPeerSyncApi after that, or await PeerSyncRuntime.WhenStarted");
}
