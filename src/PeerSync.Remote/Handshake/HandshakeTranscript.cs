using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Handshake;

/// <summary>
/// The bytes a handshake proof covers, in an encoding of our own rather than the protobuf bytes
/// (whose field order and unknown fields are not canonical): a label naming the prover's role,
/// then every field of the initiator's Hello, then every field of the acceptor's. Strings and
/// byte fields are length-prefixed, integers fixed-width big-endian, so no two different
/// transcripts encode alike. Changing this layout is a protocol version change.
/// </summary>
internal static class HandshakeTranscript
{
    public static byte[] Mac(ReadOnlySpan<byte> key, HandshakeRole prover, Hello initiatorHello, Hello acceptorHello) =>
        HMACSHA256.HashData(key, Encode(prover, initiatorHello, acceptorHello));

    public static byte[] Encode(HandshakeRole prover, Hello initiatorHello, Hello acceptorHello)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteString(buffer, "peersync.remote.v1/handshake-proof");
        WriteString(buffer, prover == HandshakeRole.Initiator ? "initiator" : "acceptor");
        WriteHello(buffer, initiatorHello);
        WriteHello(buffer, acceptorHello);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteHello(ArrayBufferWriter<byte> buffer, Hello hello)
    {
        WriteUInt32(buffer, hello.ProtocolVersion);
        WriteString(buffer, hello.ClusterName);
        WriteString(buffer, hello.NodeId);
        WriteUInt64(buffer, hello.Incarnation);
        WriteUInt64(buffer, hello.DataEpoch);
        WriteString(buffer, hello.AdvertisedAddress);
        WriteUInt64(buffer, unchecked((ulong)hello.StartupTimeUnixMs));
        WriteUInt32(buffer, (uint)hello.Roles.Count);
        foreach (var role in hello.Roles)
        {
            WriteString(buffer, role);
        }

        WriteBytes(buffer, hello.Nonce.Span);
        WriteUInt32(buffer, hello.Settings?.MaxFrameSizeBytes ?? 0);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value) => WriteBytes(buffer, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        WriteUInt32(buffer, (uint)value.Length);
        buffer.Write(value);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> buffer, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        buffer.Write<byte>(bytes);
    }

    private static void WriteUInt64(ArrayBufferWriter<byte> buffer, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        buffer.Write<byte>(bytes);
    }
}
