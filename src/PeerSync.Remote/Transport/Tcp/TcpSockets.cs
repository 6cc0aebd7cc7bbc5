using System.Net;
using System.Net.Sockets;
using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Transport.Tcp;

/// <summary>Socket set-up shared by the TCP and TLS transports.</summary>
internal static class TcpSockets
{
    /// <summary>Pending connections the kernel queues before accept; beyond it new SYNs wait or fail.</summary>
    private const int ListenBacklog = 512;

    public static async ValueTask<Socket> ListenAsync(EndpointAddress address, CancellationToken cancellationToken)
    {
        var ip = await ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(ip, address.Port));
            socket.Listen(ListenBacklog);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TransportException($"cannot listen on {address}: {ex.Message} ({ex.SocketErrorCode})", ex);
        }
    }

    public static async ValueTask<Socket> ConnectAsync(EndpointAddress address, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            await socket.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TransportException($"connection to {address} failed: {ex.Message} ({ex.SocketErrorCode})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Small frames must leave at once: the writer loop already batches what is queued, so Nagle's
    /// delay would only add latency.
    /// </summary>
    public static void Configure(Socket socket) => socket.NoDelay = true;

    /// <summary>The peer's address, or <paramref name="fallback"/> if the socket was reset meanwhile.</summary>
    public static EndpointAddress RemoteAddress(Socket socket, EndpointAddress fallback)
    {
        try
        {
            return ToAddress(socket.RemoteEndPoint, fallback);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return fallback;
        }
    }

    /// <summary>This end's address, or <paramref name="fallback"/> if the socket was reset meanwhile.</summary>
    public static EndpointAddress LocalAddress(Socket socket, EndpointAddress fallback)
    {
        try
        {
            return ToAddress(socket.LocalEndPoint, fallback);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return fallback;
        }
    }

    public static EndpointAddress ToAddress(EndPoint? endPoint, EndpointAddress fallback) =>
        endPoint is IPEndPoint ip
            ? new EndpointAddress((ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(), ip.Port)
            : fallback;

    /// <summary>True for accept errors that concern one incoming connection, not the listener.</summary>
    public static bool IsTransientAcceptError(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.TimedOut;

    /// <summary>True for accept errors that mean the listening socket was closed.</summary>
    public static bool IsShutdownAcceptError(SocketError error) =>
        error is SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotSocket;

    private static async ValueTask<IPAddress> ResolveAsync(EndpointAddress address, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(address.Host, out var ip))
        {
            return ip;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.Host, cancellationToken).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new TransportException($"cannot listen on {address}: host '{address.Host}' has no addresses");
        }
        catch (SocketException ex)
        {
            throw new TransportException($"cannot listen on {address}: host '{address.Host}' does not resolve ({ex.SocketErrorCode})", ex);
        }
    }
}
