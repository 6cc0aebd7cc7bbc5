using System.Collections.Concurrent;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Endpoints;

/// <summary>
/// The remoting's address book: one <see cref="Association"/> per peer node id, one
/// <see cref="RemoteEndpointHandle"/> per address seen in a path, and which node each address
/// leads to (learned from handshakes: the advertised address, and the address dialed).
/// </summary>
internal sealed class EndpointRegistry(Remoting remoting)
{
    private readonly ConcurrentDictionary<NodeId, Association> _associations = new();
    private readonly ConcurrentDictionary<EndpointAddress, RemoteEndpointHandle> _handles = new();

    public IEnumerable<Association> Associations => _associations.Values;

    public IEnumerable<RemoteEndpointHandle> Handles => _handles.Values;

    public RemoteEndpointHandle Handle(EndpointAddress address) =>
        _handles.GetOrAdd(address, static (a, r) => new RemoteEndpointHandle(r, a), remoting);

    public Association GetOrCreate(NodeId peer)
    {
        var association = _associations.GetOrAdd(peer, static (p, r) => new Association(r, p), remoting);
        // A quarantine recorded while the association was being created may have missed it.
        foreach (var incarnation in remoting.QuarantinedIncarnationsOf(peer))
        {
            association.MarkQuarantined(incarnation);
        }

        return association;
    }

    public Association? Find(NodeId peer) => _associations.TryGetValue(peer, out var association) ? association : null;

    /// <summary>The node at <paramref name="address"/>, when known.</summary>
    public NodeId? NodeAt(EndpointAddress address) =>
        _handles.TryGetValue(address, out var handle) && handle.Association is { } association ? association.Peer : null;

    /// <summary>Records that <paramref name="address"/> leads to <paramref name="association"/>'s node.</summary>
    public void Bind(EndpointAddress address, Association association) => Handle(address).Bind(association);
}
