using Microsoft.Extensions.Logging;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.InMemory;
using PeerSync.Remote.Transport.Tcp;
using PeerSync.Remote.Transport.Tls;

namespace PeerSync.Remote.Tests.Support;

/// <summary>The transports every connection-level test runs on.</summary>
public enum TransportKind
{
    InMemory,
    Tcp,
    Tls,
}

/// <summary>Makes a pair of transports of one kind (a listening side and a dialing side) that can reach each other.</summary>
public sealed class TransportPair
{
    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> s_certificate =
        new(() => TestCertificates.CreateSelfSigned());

    public TransportPair(TransportKind kind, TransportSettings? serverSettings = null, TransportSettings? clientSettings = null, ILoggerFactory? logs = null)
    {
        Kind = kind;
        var network = new InMemoryNetwork();
        Server = Create(kind, network, serverSettings ?? new TransportSettings(), logs);
        Client = Create(kind, network, clientSettings ?? new TransportSettings(), logs);
    }

    public TransportKind Kind { get; }

    public ITransport Server { get; }

    public ITransport Client { get; }

    public static Remote.Addressing.EndpointAddress AnyPort => new("127.0.0.1", 0);

    public static TlsSettings Tls(bool requireClientCertificate = true) =>
        new(s_certificate.Value, requireClientCertificate, [TlsSettings.Sha256Thumbprint(s_certificate.Value)]);

    private static ITransport Create(TransportKind kind, InMemoryNetwork network, TransportSettings settings, ILoggerFactory? logs) => kind switch
    {
        TransportKind.InMemory => new InMemoryTransport(network, settings, logs),
        TransportKind.Tcp => new TcpTransport(settings, logs),
        _ => new TlsTransport(settings, Tls(), logs),
    };

    /// <summary>Waits (bounded) until neither side holds an open connection.</summary>
    public async Task AssertNoOpenConnectionsAsync()
    {
        await Server.Counters.WhenOpenAtMostAsync(0).WaitAsync(TimeSpan.FromSeconds(30));
        await Client.Counters.WhenOpenAtMostAsync(0).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Server.Counters.OpenConnections);
        Assert.Equal(0, Client.Counters.OpenConnections);
    }
}
