using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.AntiEntropy;

/// <summary>
/// The hashes every node must compute identically: a key's anti-entropy bucket, a live record's
/// fingerprint (key and version) and its value digest (key and value). SHA-256 truncated to 64 bits,
/// over length-prefixed UTF-8 parts so that no two different inputs share an encoding. Per-bucket and
/// per-collection digests are sums modulo 2^64 of these, so they can be maintained incrementally and
/// do not depend on order.
/// </summary>
public static class RecordHashing
{
    public static int Bucket(CollectionName collection, RecordKey key) =>
        (int)(Hash(collection.Value, key.Value) % AntiEntropyBuckets.Count);

    /// <summary>The contribution of a live record to its bucket's fingerprint.</summary>
    public static ulong Fingerprint(RecordVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Hash(
            version.Key.Value,
            version.Stamp.Hlc.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            version.Stamp.Origin.ToString());
    }

    /// <summary>The contribution of a live record to its collection's (key, value) digest.</summary>
    public static ulong ValueDigest(RecordVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Hash(version.Key.Value, version.Value ?? "");
    }

    private static ulong Hash(params string[] parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += 4 + Encoding.UTF8.GetByteCount(part);
        }

        var buffer = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            var written = Encoding.UTF8.GetBytes(part, buffer[(offset + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[offset..], written);
            offset += 4 + written;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer, digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
