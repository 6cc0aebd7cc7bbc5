using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Faults;

/// <summary>
/// The injector's view of the nodes and their connections: which addresses are nodes, which node
/// dialed from which socket address, which wrapped connections are live (for <see cref="Reset"/>),
/// and the refusal check made before each dial.
/// </summary>
public sealed partial class FaultInjector
{
    private readonly HashSet<EndpointAddress> _nodes = [];
    private readonly Dictionary<EndpointAddress, EndpointAddress> _dialers = [];
    private readonly HashSet<FaultInjectingConnection> _connections = [];
    private long _resetConnections;
    private long _refusedDials;

    /// <summary>Connections failed by <see cref="Reset"/> so far (a connection counts once, however many of its ends were wrapped).</summary>
    public long ResetConnections => Interlocked.Read(ref _resetConnections);

    /// <summary>Dials failed by <see cref="Refuse"/> so far.</summary>
    public long RefusedDials => Interlocked.Read(ref _refusedDials);

    /// <summary>
    /// Declares <paramref name="node"/> (an address a node listens on) before its transport exists, so
    /// faults naming it can be set up before the node starts. A <see cref="FaultInjectingTransport"/>
    /// declares its own node when it is given its address or starts listening. Idempotent.
    /// </summary>
    public void AddNode(EndpointAddress node)
    {
        if (string.IsNullOrEmpty(node.Host) || node.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{Show(node)}' is not a node address: a node listens on host:port with a port from 1 to 65535", nameof(node));
        }

        lock (_gate)
        {
            _nodes.Add(node);
        }
    }

    /// <summary>
    /// Fails every live connection between the two nodes at once, as a TCP reset would: each side
    /// sees its connection lost (CONNECTION_LOST, "connection reset (fault injected)"), no Disconnect
    /// notice crosses, and what was queued or in flight on it is lost. Nothing is left behind: new
    /// connections may form right after (links reconnect with their backoff), and a connection whose
    /// dial is still completing while this runs counts as one formed after it.
    /// </summary>
    /// <returns>How many connections were reset (0 when none was open).</returns>
    public int Reset(EndpointAddress first, EndpointAddress second)
    {
        List<FaultInjectingConnection> victims;
        int connections;
        lock (_gate)
        {
            RequirePair(first, second);
            victims = [.. _connections.Where(c => c.CloseReason is null && c.Peer is { } peer && ((c.Node == first && peer == second) || (c.Node == second && peer == first)))];

            // Both ends of one connection share the dialer's socket address.
            connections = victims.Select(c => c.DialerSocket).Distinct().Count();
            _resetConnections += connections;
        }

        var detail = $"connection reset (fault injected between {first} and {second})";
        foreach (var connection in victims)
        {
            connection.MarkReset(detail);
        }

        foreach (var connection in victims)
        {
            connection.Reset(detail);
        }

        return connections;
    }

    /// <summary>Throws the refusal a REJECT rule would cause when dials from <paramref name="node"/> to <paramref name="target"/> are refused.</summary>
    internal void ThrowIfRefused(EndpointAddress node, EndpointAddress target)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue((node, target), out var fault) || !fault.Refused)
            {
                return;
            }

            _refusedDials++;
        }

        throw new TransportException($"connection refused (fault injected): {node} may not dial {target} until the fault is healed");
    }

    /// <summary>Remembers that the connection whose dialing end is <paramref name="socketAddress"/> belongs to <paramref name="node"/>.</summary>
    internal void RegisterDialer(EndpointAddress socketAddress, EndpointAddress node)
    {
        lock (_gate)
        {
            _dialers[socketAddress] = node;
        }
    }

    internal void ForgetDialer(EndpointAddress socketAddress)
    {
        lock (_gate)
        {
            _dialers.Remove(socketAddress);
        }
    }

    /// <summary>The node that dialed from <paramref name="socketAddress"/>, if a wrapped transport did.</summary>
    internal EndpointAddress? ResolveDialer(EndpointAddress socketAddress)
    {
        lock (_gate)
        {
            return _dialers.TryGetValue(socketAddress, out var node) ? node : null;
        }
    }

    internal void Track(FaultInjectingConnection connection)
    {
        lock (_gate)
        {
            _connections.Add(connection);
        }
    }

    internal void Untrack(FaultInjectingConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>Checks, under the gate, that a fault names two different nodes of this injector.</summary>
    private void RequirePair(EndpointAddress first, EndpointAddress second)
    {
        RequireNode(first, nameof(first));
        RequireNode(second, nameof(second));
        if (first == second)
        {
            throw new ArgumentException($"a link fault needs two different nodes, but both are {first}", nameof(second));
        }
    }

    /// <summary>The address as written, also for a default value (whose host is null).</summary>
    private static string Show(EndpointAddress address) => address.Host is null ? $":{address.Port}" : address.ToString();

    private void RequireNode(EndpointAddress address, string parameter)
    {
        if (!_nodes.Contains(address))
        {
            var known = _nodes.Count == 0
                ? "none yet"
                : string.Join(", ", _nodes.Select(n => n.ToString()).Order(StringComparer.Ordinal));
            throw new ArgumentException(
                $"'{Show(address)}' is not a node of this fault injector: no wrapped transport listens there and AddNode did not declare it (nodes: {known})",
                parameter);
        }
    }
}
