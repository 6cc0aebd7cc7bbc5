using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PeerSync.Remote.Transport.Tls;

/// <summary>
/// Loads the node certificate named by `peersync.remote.tls.certificate-path`: a PKCS#12 file
/// (.pfx/.p12) or a PEM file holding the certificate and, unless a separate key file is named,
/// its private key. Every failure names the key, the file and what to do.
/// </summary>
public static class TlsCertificateLoader
{
    public static X509Certificate2 Load(string path, string? keyPath = null, string? password = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new TlsConfigurationException(
                "peersync.remote.tls.certificate-path is empty; set it to a PKCS#12 (.pfx/.p12) or PEM file holding the node certificate and its private key");
        }

        if (!File.Exists(path))
        {
            throw new TlsConfigurationException(
                $"peersync.remote.tls.certificate-path: file '{path}' does not exist; check the path (relative paths start from the working directory '{Environment.CurrentDirectory}')");
        }

        if (keyPath is not null && !File.Exists(keyPath))
        {
            throw new TlsConfigurationException(
                $"peersync.remote.tls.certificate-key-path: file '{keyPath}' does not exist; check the path or leave it empty when the key is in the certificate file");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(path) ? LoadPem(path, keyPath, password) : LoadPkcs12(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new TlsConfigurationException(
                $"peersync.remote.tls.certificate-path: '{path}' could not be read as a {(IsPem(path) ? "PEM certificate with its private key" : "PKCS#12 file")}: {ex.Message}. "
                + "Check the file format and peersync.remote.tls.certificate-password.",
                ex);
        }

        if (!certificate.HasPrivateKey)
        {
            var subject = certificate.Subject;
            certificate.Dispose();
            throw new TlsConfigurationException(
                $"peersync.remote.tls.certificate-path: the certificate in '{path}' ({subject}) has no private key; a node needs its key to accept TLS connections. "
                + "Use a PKCS#12 file with the key, or a PEM file with a PRIVATE KEY block (or name it in certificate-key-path).");
        }

        return certificate;
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[64];
        using var file = File.OpenRead(path);
        var read = file.Read(head);
        return System.Text.Encoding.ASCII.GetString(head[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static X509Certificate2 LoadPkcs12(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);

    private static X509Certificate2 LoadPem(string path, string? keyPath, string? password)
    {
        var text = File.ReadAllText(path);
        var keyText = keyPath is null ? text : File.ReadAllText(keyPath);
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            // Load the certificate only, so the caller reports the missing key in its own words.
            return X509Certificate2.CreateFromPem(text);
        }

        return string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPem(text, keyText)
            : X509Certificate2.CreateFromEncryptedPem(text, keyText, password);
    }
}
