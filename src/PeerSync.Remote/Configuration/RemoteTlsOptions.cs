namespace PeerSync.Remote.Configuration;

/// <summary>`peersync.remote.tls`: TLS for node-to-node connections.</summary>
public sealed class RemoteTlsOptions
{
    /// <summary>`tls.enabled`: off by default (loopback clusters and trusted networks); turn it on
    /// whenever traffic crosses a network you do not control.</summary>
    public bool Enabled { get; set; }

    /// <summary>`tls.certificate-path`: the node certificate with its private key, as PKCS#12
    /// (.pfx/.p12) or PEM. Required when TLS is on.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>`tls.certificate-key-path`: a separate PEM private key file, when the PEM
    /// certificate file does not contain the key. Empty by default.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>`tls.certificate-password`: for a password-protected PKCS#12 file or encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>`tls.require-client-certificate`: a listening node refuses dialers without an
    /// acceptable certificate (mutual TLS). Off by default; the handshake's HMAC already proves
    /// cluster membership, so this adds a second, certificate-based gate.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>`tls.allowed-thumbprints`: SHA-256 (64 hex digits) or SHA-1 (40) thumbprints of the
    /// peer certificates to accept, ':' and spaces allowed. Empty: peers must pass the operating
    /// system's certificate validation instead (needs a trusted CA).</summary>
    public IList<string> AllowedThumbprints { get; set; } = [];
}
