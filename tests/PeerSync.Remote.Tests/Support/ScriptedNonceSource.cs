using PeerSync.Remote.Handshake;

namespace PeerSync.Remote.Tests.Support;

/// <summary>Deterministic nonces: the n-th nonce is every byte set to <c>seed + n</c>.</summary>
public sealed class ScriptedNonceSource(byte seed) : INonceSource
{
    private int _count;

    public void Fill(Span<byte> nonce) => nonce.Fill(unchecked((byte)(seed + Interlocked.Increment(ref _count) - 1)));
}
