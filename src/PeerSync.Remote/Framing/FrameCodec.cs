using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Framing;

/// <summary>
/// The frame layout on the wire: a 4-byte big-endian length, then that many bytes of one protobuf
/// <see cref="Frame"/>. The decoder checks the length against the limit before it waits for the
/// body, so an oversized frame is refused without its bytes ever being buffered.
/// </summary>
public static class FrameCodec
{
    /// <summary>Bytes a frame whose protobuf body is <paramref name="bodyBytes"/> long takes on the wire.</summary>
    public static int EncodedLength(int bodyBytes) => RemoteProtocol.LengthPrefixBytes + bodyBytes;

    /// <summary>
    /// Writes the prefix and the body of <paramref name="frame"/>, whose <c>CalculateSize()</c> is
    /// <paramref name="bodyBytes"/>, to the start of <paramref name="destination"/>.
    /// </summary>
    public static void Encode(Frame frame, int bodyBytes, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)bodyBytes);
        if (bodyBytes > 0)
        {
            frame.WriteTo(destination.Slice(RemoteProtocol.LengthPrefixBytes, bodyBytes));
        }
    }

    /// <summary>The encoded frame in a new array (for tests and tools; the hot path encodes in place).</summary>
    public static byte[] Encode(Frame frame)
    {
        var size = frame.CalculateSize();
        var bytes = new byte[EncodedLength(size)];
        Encode(frame, size, bytes);
        return bytes;
    }

    /// <summary>
    /// Takes one frame from the start of <paramref name="buffer"/>. On <see cref="FrameDecodeStatus.Decoded"/>
    /// the buffer is advanced past it; on <see cref="FrameDecodeStatus.NeedMoreData"/> it is untouched;
    /// on the two failures <paramref name="error"/> says what was wrong, and the connection must close.
    /// </summary>
    public static FrameDecodeStatus TryDecode(
        ref ReadOnlySequence<byte> buffer, int maxFrameSizeBytes, out Frame? frame, out string? error)
    {
        frame = null;
        error = null;
        if (buffer.Length < RemoteProtocol.LengthPrefixBytes)
        {
            return FrameDecodeStatus.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[RemoteProtocol.LengthPrefixBytes];
        buffer.Slice(0, RemoteProtocol.LengthPrefixBytes).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > (uint)maxFrameSizeBytes)
        {
            error = string.Create(
                CultureInfo.InvariantCulture,
                $"frame of {length} bytes exceeds max-frame-size of {maxFrameSizeBytes} bytes");
            return FrameDecodeStatus.TooLarge;
        }

        var total = RemoteProtocol.LengthPrefixBytes + (long)length;
        if (buffer.Length < total)
        {
            return FrameDecodeStatus.NeedMoreData;
        }

        var body = buffer.Slice(RemoteProtocol.LengthPrefixBytes, length);
        try
        {
            frame = length == 0
                ? new Frame()
                : body.IsSingleSegment ? Frame.Parser.ParseFrom(body.FirstSpan) : Frame.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = string.Create(
                CultureInfo.InvariantCulture, $"frame of {length} bytes is not a valid protobuf Frame: {ex.Message}");
            return FrameDecodeStatus.Malformed;
        }

        buffer = buffer.Slice(total);
        return FrameDecodeStatus.Decoded;
    }
}
