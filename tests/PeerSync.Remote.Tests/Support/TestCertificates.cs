using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// Throwaway self-signed certificates made at test time, written to a private temporary folder
/// that <see cref="Dispose"/> removes.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("peersync-certs-").FullName;
    }

    public string Directory { get; }

    public static X509Certificate2 CreateSelfSigned(string name = "peersync-node")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a PKCS#12 file.</summary>
    public string WritePfx(X509Certificate2 certificate, string? password = null, string name = "node.pfx")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    /// <summary>Writes the certificate and (unless <paramref name="withKey"/> is false) its key as PEM.</summary>
    public string WritePem(X509Certificate2 certificate, bool withKey = true, string name = "node.pem")
    {
        var path = Path.Combine(Directory, name);
        var text = certificate.ExportCertificatePem();
        if (withKey)
        {
            text += "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        }

        File.WriteAllText(path, text);
        return path;
    }

    public string WriteText(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
