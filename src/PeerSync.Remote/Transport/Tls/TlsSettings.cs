using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PeerSync.Remote.Transport.Tls;

/// <summary>
/// What the TLS transport needs, validated. A peer certificate (the server's, seen by a dialing
/// node, or a client's, seen by a listening node) is accepted when its SHA-256 or SHA-1 thumbprint
/// is in <see cref="AllowedThumbprints"/>; with an empty list, when it passes the operating system's
/// chain (and, for servers, name) validation.
/// </summary>
public sealed class TlsSettings
{
    public TlsSettings(X509Certificate2 certificate, bool requireClientCertificate, IEnumerable<string> allowedThumbprints)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
        RequireClientCertificate = requireClientCertificate;
        AllowedThumbprints = allowedThumbprints.Select(NormalizeThumbprint).ToHashSet(StringComparer.Ordinal);
        // offline: never fetch intermediates over the network while building the chain.
        CertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>This node's certificate with its private key: served to dialers and presented to listeners.</summary>
    public X509Certificate2 Certificate { get; }

    internal SslStreamCertificateContext CertificateContext { get; }

    /// <summary>Listeners refuse a dialer that presents no acceptable client certificate.</summary>
    public bool RequireClientCertificate { get; }

    /// <summary>Upper-case hex thumbprints without separators.</summary>
    public IReadOnlySet<string> AllowedThumbprints { get; }

    /// <summary>Upper-case hex without ':' or spaces, as configuration may write it either way.</summary>
    public static string NormalizeThumbprint(string thumbprint) =>
        thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The SHA-256 thumbprint of <paramref name="certificate"/>, as the allow-list writes it.</summary>
    public static string Sha256Thumbprint(X509Certificate certificate) =>
        certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Null when <paramref name="certificate"/> is acceptable, else why not.</summary>
    internal string? Check(X509Certificate? certificate, SslPolicyErrors errors, bool peerIsServer)
    {
        if (certificate is null)
        {
            return peerIsServer || RequireClientCertificate
                ? $"the {(peerIsServer ? "server" : "client")} presented no certificate"
                : null;
        }

        if (AllowedThumbprints.Count > 0)
        {
            var sha256 = Sha256Thumbprint(certificate);
            var sha1 = certificate.GetCertHashString();
            return AllowedThumbprints.Contains(sha256) || AllowedThumbprints.Contains(sha1)
                ? null
                : $"the {(peerIsServer ? "server" : "client")} certificate {certificate.Subject} (SHA-256 {sha256}) is not in peersync.remote.tls.allowed-thumbprints";
        }

        return errors == SslPolicyErrors.None
            ? null
            : $"the {(peerIsServer ? "server" : "client")} certificate {certificate.Subject} failed validation ({errors}); trust its issuer or list its thumbprint in peersync.remote.tls.allowed-thumbprints";
    }
}
