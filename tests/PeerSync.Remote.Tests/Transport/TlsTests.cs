using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Tls;

namespace PeerSync.Remote.Tests.Transport;

public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _files = new();

    [Fact]
    public void Loader_reads_a_pkcs12_file_with_its_password()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = _files.WritePfx(certificate, "s3cret");

        using var loaded = TlsCertificateLoader.Load(path, password: "s3cret");
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void Loader_reads_a_pem_file_with_certificate_and_key()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var loaded = TlsCertificateLoader.Load(_files.WritePem(certificate));
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void Loader_names_the_key_and_path_when_the_file_is_missing()
    {
        var error = Assert.Throws<TlsConfigurationException>(() => TlsCertificateLoader.Load("/nonexistent/node.pfx"));
        Assert.StartsWith("peersync.remote.tls.certificate-path: file '/nonexistent/node.pfx' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_explains_a_file_that_is_not_a_certificate()
    {
        var path = _files.WriteText("junk.pfx", "this is not a certificate");
        var error = Assert.Throws<TlsConfigurationException>(() => TlsCertificateLoader.Load(path));
        Assert.Contains("could not be read as a PKCS#12 file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_explains_a_wrong_password()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = _files.WritePfx(certificate, "right");
        var error = Assert.Throws<TlsConfigurationException>(() => TlsCertificateLoader.Load(path, password: "wrong"));
        Assert.Contains("certificate-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_refuses_a_certificate_without_its_private_key()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = _files.WritePem(certificate, withKey: false);
        var error = Assert.Throws<TlsConfigurationException>(() => TlsCertificateLoader.Load(path));
        Assert.Contains("has no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listener_refuses_a_client_certificate_outside_the_allow_list()
    {
        var logs = new CapturingLoggerProvider();
        using var serverCert = TestCertificates.CreateSelfSigned("server");
        using var strangerCert = TestCertificates.CreateSelfSigned("stranger");
        var server = new TlsTransport(new TransportSettings(), new TlsSettings(serverCert, true, [TlsSettings.Sha256Thumbprint(serverCert)]), logs);
        var stranger = new TlsTransport(new TransportSettings(), new TlsSettings(strangerCert, false, [TlsSettings.Sha256Thumbprint(serverCert)]));
        await using var listener = await server.ListenAsync(TransportPair.AnyPort);

        // TLS 1.3 finishes the client side before the server has judged the client certificate,
        // so the refusal may surface at the dial or as the connection ending right after it.
        try
        {
            var connection = await stranger.DialAsync(listener.LocalAddress).AsTask().Within();
            Assert.Null(await connection.ReceiveAsync().Within());
            await connection.DisposeAsync();
        }
        catch (TransportException)
        {
        }

        await Eventually.TrueAsync(() => server.Counters.FailedTlsHandshakes == 1, "the refused handshake to be counted");
        Assert.NotEmpty(logs.Find("client certificate CN=stranger", "is not in peersync.remote.tls.allowed-thumbprints"));
        Assert.Equal(0, server.Counters.OpenConnections);
    }

    [Fact]
    public async Task Dial_refuses_a_server_certificate_outside_the_allow_list()
    {
        using var serverCert = TestCertificates.CreateSelfSigned("impostor");
        using var clientCert = TestCertificates.CreateSelfSigned("client");
        var server = new TlsTransport(new TransportSettings(), new TlsSettings(serverCert, false, []));
        var client = new TlsTransport(new TransportSettings(), new TlsSettings(clientCert, false, [TlsSettings.Sha256Thumbprint(clientCert)]));
        await using var listener = await server.ListenAsync(TransportPair.AnyPort);

        var error = await Assert.ThrowsAsync<TransportException>(async () => await client.DialAsync(listener.LocalAddress));

        Assert.Contains("the server certificate CN=impostor", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not in peersync.remote.tls.allowed-thumbprints", error.Message, StringComparison.Ordinal);
        await client.Counters.WhenOpenAtMostAsync(0).Within();
    }

    public void Dispose() => _files.Dispose();
}
