using System.Security.Cryptography;

namespace PeerSync.Remote.Handshake;

/// <summary>Where handshake nonces come from: random in production, scripted in tests.</summary>
public interface INonceSource
{
    /// <summary>Fills <paramref name="nonce"/> with bytes never used for a nonce before.</summary>
    void Fill(Span<byte> nonce);
}

/// <summary>Nonces from the operating system's cryptographic random generator.</summary>
public sealed class RandomNonceSource : INonceSource
{
    public static RandomNonceSource Instance { get; } = new();

    public void Fill(Span<byte> nonce) => RandomNumberGenerator.Fill(nonce);
}
