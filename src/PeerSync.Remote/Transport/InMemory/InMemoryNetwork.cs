using System.Collections.Concurrent;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.InMemory;

/// <summary>
/// A process-local "network" shared by the <see cref="InMemoryTransport"/>s of nodes in one test:
/// it maps listening addresses to listeners and hands out ports. Hosts are names only; any host
/// with port 0 gets the next free port (from 10000 up).
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<EndpointAddress, InMemoryListener> _listeners = new();
    private int _nextPort = 10000;

    /// <summary>Addresses with a listener right now.</summary>
    public IReadOnlyCollection<EndpointAddress> ListeningAddresses => _listeners.Keys.ToArray();

    internal EndpointAddress Register(EndpointAddress requested, Func<EndpointAddress, InMemoryListener> create)
    {
        while (true)
        {
            var address = requested.Port == 0 ? requested with { Port = NextPort() } : requested;
            var listener = create(address);
            if (_listeners.TryAdd(address, listener))
            {
                return address;
            }

            if (requested.Port != 0)
            {
                throw new TransportException($"cannot listen on {address}: the address is already in use (in-memory network)");
            }
        }
    }

    internal void Unregister(EndpointAddress address, InMemoryListener listener) =>
        _listeners.TryRemove(new KeyValuePair<EndpointAddress, InMemoryListener>(address, listener));

    internal bool TryFind(EndpointAddress address, out InMemoryListener listener) =>
        _listeners.TryGetValue(address, out listener!);

    internal int NextPort()
    {
        var port = Interlocked.Increment(ref _nextPort);
        if (port > 65535)
        {
            throw new TransportException("the in-memory network ran out of ports");
        }

        return port;
    }
}
