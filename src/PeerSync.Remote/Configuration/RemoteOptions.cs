using System.Globalization;
using Microsoft.Extensions.Logging;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Handshake;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;
using PeerSync.Remote.Transport.Tcp;
using PeerSync.Remote.Transport.Tls;

namespace PeerSync.Remote.Configuration;

/// <summary>
/// `peersync.remote`: how a node listens for and talks to its peers. Each property names its key;
/// <see cref="Validate"/> checks every value and the relations between them.
/// </summary>
public sealed class RemoteOptions
{
    /// <summary>`hostname`: the address to listen on and to advertise to peers. Default 127.0.0.1
    /// (safe on a laptop); set the host's reachable address in a real cluster.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>`port`: the listening port. Default 4053. 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>`secret`: shared by every node of the cluster; proves membership in the handshake
    /// without ever being sent. Required, at least 16 characters.</summary>
    public string Secret { get; set; } = "";

    /// <summary>`max-frame-size` in bytes: the largest frame sent or accepted, and a setting every
    /// node must share (the handshake refuses a difference). Default 4 MiB: large enough for sync
    /// batches and snapshot pages, small enough that one bad frame cannot exhaust memory.</summary>
    public int MaxFrameSizeBytes { get; set; } = RemoteProtocol.DefaultMaxFrameSizeBytes;

    /// <summary>`handshake-timeout`: bounds connect, TLS and the PeerSync handshake. Default 5 s:
    /// a handshake takes two round trips, so this only ends silent or broken peers.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>`send-queue-size` in bytes, per connection, including bytes being written. When
    /// full, senders get back-pressure. Default 8 MiB (two largest frames).</summary>
    public long SendQueueSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>`write-stall-timeout`: a peer that drains nothing for this long is closed with
    /// "peer stopped reading". Default 10 s, well above a GC pause or a busy peer's hiccup.</summary>
    public TimeSpan WriteStallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>`max-pending-handshakes`: unfinished inbound handshakes (TLS and PeerSync) at once;
    /// more connections are closed with OVERLOADED. Default 128.</summary>
    public int MaxPendingHandshakes { get; set; } = 128;

    /// <summary>`tls`.</summary>
    public RemoteTlsOptions Tls { get; set; } = new();

    /// <summary>`link`: reconnects, buffering, heartbeats of the links to peers.</summary>
    public RemoteLinkOptions Link { get; set; } = new();

    /// <summary>The listening (and advertised) address.</summary>
    public EndpointAddress Address => new(Hostname, Port);

    /// <summary>
    /// Every problem found, each naming the key, the value and the fix; empty when valid.
    /// Certificate files are checked for existence here and fully when the transport is created.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Hostname))
        {
            errors.Add("peersync.remote.hostname is empty; set the address this node listens on, e.g. 127.0.0.1");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add(Invariant($"peersync.remote.port is {Port}; use 1-65535 (or 0 to pick a free port)"));
        }

        if (Secret.Length < HandshakeConfig.MinSecretLength)
        {
            errors.Add(Secret.Length == 0
                ? Invariant($"peersync.remote.secret is not set; set the same random string of at least {HandshakeConfig.MinSecretLength} characters on every node")
                : Invariant($"peersync.remote.secret has {Secret.Length} characters; use at least {HandshakeConfig.MinSecretLength} (a short secret can be guessed from one recorded handshake)"));
        }

        if (MaxFrameSizeBytes is < 1024 or > 256 * 1024 * 1024)
        {
            errors.Add(Invariant($"peersync.remote.max-frame-size is {MaxFrameSizeBytes} bytes; use 1 KiB to 256 MiB (default 4 MiB)"));
        }

        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add(Invariant($"peersync.remote.handshake-timeout is {HandshakeTimeout}; use more than 0 and at most 5 minutes (default 5s)"));
        }

        if (SendQueueSizeBytes < (long)MaxFrameSizeBytes + RemoteProtocol.LengthPrefixBytes)
        {
            errors.Add(Invariant($"peersync.remote.send-queue-size is {SendQueueSizeBytes} bytes but must hold one largest frame ({MaxFrameSizeBytes} + {RemoteProtocol.LengthPrefixBytes} bytes); raise it or lower max-frame-size"));
        }

        if (WriteStallTimeout <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"peersync.remote.write-stall-timeout is {WriteStallTimeout}; it must be positive (default 10s)"));
        }

        if (MaxPendingHandshakes < 1)
        {
            errors.Add(Invariant($"peersync.remote.max-pending-handshakes is {MaxPendingHandshakes}; use at least 1 (default 128)"));
        }

        ValidateTls(errors);
        errors.AddRange(Link.Validate());
        if (Link.MaxBatchBytes > MaxFrameSizeBytes - 64)
        {
            errors.Add(Invariant($"peersync.remote.link.max-batch-size ({Link.MaxBatchBytes} bytes) must be below max-frame-size ({MaxFrameSizeBytes} bytes); lower it"));
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid peersync.remote configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors));
        }
    }

    public TransportSettings ToTransportSettings(TimeProvider? timeProvider = null) => new()
    {
        MaxFrameSizeBytes = MaxFrameSizeBytes,
        SendQueueBytes = SendQueueSizeBytes,
        WriteStallTimeout = WriteStallTimeout,
        HandshakeTimeout = HandshakeTimeout,
        MaxPendingHandshakes = MaxPendingHandshakes,
        TimeProvider = timeProvider ?? TimeProvider.System,
    };

    /// <param name="clusterName">`peersync.cluster.name`.</param>
    /// <param name="self">This node's identity (its address is normally <see cref="Address"/>).</param>
    public HandshakeConfig ToHandshakeConfig(string clusterName, NodeIdentity self) =>
        new(clusterName, self, Secret, MaxFrameSizeBytes, HandshakeTimeout);

    /// <summary>The TCP transport, or TLS over it when `tls.enabled` (loading the certificate now).</summary>
    /// <exception cref="TlsConfigurationException">The certificate cannot be loaded; the message says why.</exception>
    public ITransport CreateTransport(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        var settings = ToTransportSettings(timeProvider);
        if (!Tls.Enabled)
        {
            return new TcpTransport(settings, loggerFactory);
        }

        var certificate = TlsCertificateLoader.Load(Tls.CertificatePath!, NullIfEmpty(Tls.CertificateKeyPath), NullIfEmpty(Tls.CertificatePassword));
        return new TlsTransport(settings, new TlsSettings(certificate, Tls.RequireClientCertificate, Tls.AllowedThumbprints), loggerFactory);
    }

    private void ValidateTls(List<string> errors)
    {
        if (!Tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(Tls.CertificatePath))
        {
            errors.Add("peersync.remote.tls.certificate-path is empty but tls.enabled is on; set it to the node's PKCS#12 or PEM certificate file, or turn TLS off");
        }
        else if (!File.Exists(Tls.CertificatePath))
        {
            errors.Add($"peersync.remote.tls.certificate-path: file '{Tls.CertificatePath}' does not exist; check the path");
        }

        if (!string.IsNullOrEmpty(Tls.CertificateKeyPath) && !File.Exists(Tls.CertificateKeyPath))
        {
            errors.Add($"peersync.remote.tls.certificate-key-path: file '{Tls.CertificateKeyPath}' does not exist; check the path or leave it empty");
        }

        foreach (var thumbprint in Tls.AllowedThumbprints)
        {
            var normalized = TlsSettings.NormalizeThumbprint(thumbprint);
            if (normalized.Length is not (40 or 64) || !normalized.All(char.IsAsciiHexDigit))
            {
                errors.Add($"peersync.remote.tls.allowed-thumbprints: '{thumbprint}' is not a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint");
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
