using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
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
        if (TryDecodeUserBatch(body, out frame))
        {
            buffer = buffer.Slice(total);
            return FrameDecodeStatus.Decoded;
        }

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

    /// <summary>
    /// Gives the batch array of a frame <see cref="TryDecode"/> produced back to the pool. Call it
    /// once the frame's <see cref="Frame.UserBatch"/> is no longer read; other frames are left alone.
    /// </summary>
    public static void Recycle(Frame frame)
    {
        if (frame.BodyCase == Frame.BodyOneofCase.UserBatch
            && MemoryMarshal.TryGetArray(frame.UserBatch.Memory, out var segment)
            && segment.Array is { Length: > 0 } array)
        {
            frame.UserBatch = ByteString.Empty;
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>
    /// The link layer's batches are most of the traffic: a frame that is exactly one user_batch
    /// field is copied into a pooled array (recycled by <see cref="Recycle"/>) instead of a new one
    /// per frame, which at hundreds of 60 KiB batches per second would drive the garbage collector.
    /// </summary>
    private static bool TryDecodeUserBatch(ReadOnlySequence<byte> body, out Frame? frame)
    {
        frame = null;
        Span<byte> head = stackalloc byte[6];
        var headLength = (int)Math.Min(head.Length, body.Length);
        if (headLength < 2)
        {
            return false;
        }

        body.Slice(0, headLength).CopyTo(head);
        if (head[0] != UserBatchTag)
        {
            return false;
        }

        ulong batchLength = 0;
        var at = 1;
        for (var shift = 0; ; shift += 7)
        {
            if (at >= headLength || shift > 28)
            {
                return false;
            }

            var b = head[at++];
            batchLength |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        if ((ulong)at + batchLength != (ulong)body.Length)
        {
            // Anything else in the frame (an unknown field): leave it to the protobuf parser.
            return false;
        }

        var array = ArrayPool<byte>.Shared.Rent((int)batchLength);
        body.Slice(at).CopyTo(array);
        frame = new Frame { UserBatch = UnsafeByteOperations.UnsafeWrap(array.AsMemory(0, (int)batchLength)) };
        return true;
    }

    /// <summary>Field 7 (user_batch), wire type 2 (length-delimited).</summary>
    private const byte UserBatchTag = (7 << 3) | 2;
}
