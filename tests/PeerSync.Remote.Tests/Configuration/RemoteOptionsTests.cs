using PeerSync.Remote.Configuration;
using PeerSync.Remote.Tests.Support;
using PeerSync.Remote.Transport.Tcp;
using PeerSync.Remote.Transport.Tls;

namespace PeerSync.Remote.Tests.Configuration;

public sealed class RemoteOptionsTests
{
    private static RemoteOptions Valid() => new() { Secret = TestNodes.Secret };

    [Fact]
    public void RemoteOptions_defaults_are_valid_once_a_secret_is_set()
    {
        Assert.Empty(Valid().Validate());
        Assert.IsType<TcpTransport>(Valid().CreateTransport());
    }

    [Theory]
    [InlineData("port", "peersync.remote.port is 70000; use 1-65535 (or 0 to pick a free port)")]
    [InlineData("secret-missing", "peersync.remote.secret is not set; set the same random string of at least 16 characters on every node")]
    [InlineData("secret-short", "peersync.remote.secret has 5 characters; use at least 16")]
    [InlineData("hostname", "peersync.remote.hostname is empty")]
    [InlineData("frame", "peersync.remote.max-frame-size is 10 bytes; use 1 KiB to 256 MiB (default 4 MiB)")]
    [InlineData("queue", "peersync.remote.send-queue-size is 1024 bytes but must hold one largest frame (4194304 + 4 bytes)")]
    [InlineData("handshake", "peersync.remote.handshake-timeout is 00:00:00; use more than 0")]
    [InlineData("stall", "peersync.remote.write-stall-timeout is -00:00:01; it must be positive")]
    [InlineData("pending", "peersync.remote.max-pending-handshakes is 0; use at least 1")]
    [InlineData("tls-path", "peersync.remote.tls.certificate-path is empty but tls.enabled is on")]
    [InlineData("tls-missing", "peersync.remote.tls.certificate-path: file '/nonexistent.pfx' does not exist")]
    [InlineData("thumbprint", "peersync.remote.tls.allowed-thumbprints: 'XYZ' is not a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint")]
    public void RemoteOptions_Validate_names_the_key_and_the_fix(string problem, string expected)
    {
        var options = Valid();
        switch (problem)
        {
            case "port": options.Port = 70000; break;
            case "secret-missing": options.Secret = ""; break;
            case "secret-short": options.Secret = "short"; break;
            case "hostname": options.Hostname = " "; break;
            case "frame": options.MaxFrameSizeBytes = 10; options.SendQueueSizeBytes = 1 << 20; break;
            case "queue": options.SendQueueSizeBytes = 1024; break;
            case "handshake": options.HandshakeTimeout = TimeSpan.Zero; break;
            case "stall": options.WriteStallTimeout = TimeSpan.FromSeconds(-1); break;
            case "pending": options.MaxPendingHandshakes = 0; break;
            case "tls-path": options.Tls.Enabled = true; break;
            case "tls-missing": options.Tls.Enabled = true; options.Tls.CertificatePath = "/nonexistent.pfx"; break;
            default: options.Tls.Enabled = true; options.Tls.CertificatePath = "/nonexistent.pfx"; options.Tls.AllowedThumbprints = ["XYZ"]; break;
        }

        var errors = options.Validate();
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(options.EnsureValid);
        Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteOptions_creates_a_tls_transport_from_a_certificate_file()
    {
        using var files = new TestCertificates();
        using var certificate = TestCertificates.CreateSelfSigned();
        var options = Valid();
        options.Tls.Enabled = true;
        options.Tls.CertificatePath = files.WritePfx(certificate, "pw");
        options.Tls.CertificatePassword = "pw";
        options.Tls.RequireClientCertificate = true;
        options.Tls.AllowedThumbprints = [string.Join(":", TlsSettings.Sha256Thumbprint(certificate).Chunk(2).Select(c => new string(c))).ToLowerInvariant()];

        Assert.Empty(options.Validate());
        Assert.IsType<TlsTransport>(options.CreateTransport());
    }

    [Fact]
    public void RemoteOptions_carry_their_values_into_the_transport_and_handshake_settings()
    {
        var options = Valid();
        options.MaxFrameSizeBytes = 1 << 20;
        options.HandshakeTimeout = TimeSpan.FromSeconds(3);
        var settings = options.ToTransportSettings();
        var handshake = options.ToHandshakeConfig("c", TestNodes.Identity("n1"));

        Assert.Equal(1 << 20, settings.MaxFrameSizeBytes);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.HandshakeTimeout);
        Assert.Equal(1 << 20, handshake.MaxFrameSizeBytes);
        Assert.Equal(TimeSpan.FromSeconds(3), handshake.Timeout);
    }
}
