using System.Net;
using System.Net.Sockets;

namespace PeerSync.TestKit.MultiNode;

/// <summary>Free loopback TCP ports for nodes whose addresses must be known before they start (seed lists).</summary>
public static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports that were free a moment ago: each is bound to port 0
    /// (the kernel picks), all are held until the last is picked (so none repeats), then released.
    /// Another process could take one in between; the harness then fails to bind with a clear error.
    /// </summary>
    public static IReadOnlyList<int> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
