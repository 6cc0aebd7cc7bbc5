using System.Runtime.CompilerServices;

namespace PeerSync.Remote.Links.Wire;

/// <summary>Unsigned LEB128 varints (the protobuf encoding) on spans, for the batch layout.</summary>
internal static class Varint
{
    /// <summary>The most bytes a 64-bit varint takes.</summary>
    public const int MaxBytes64 = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static int Size(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static ulong ZigZag(int value) => (ulong)(uint)((value << 1) ^ (value >> 31));

    public static int UnZigZag(ulong value) => (int)((uint)value >> 1) ^ -(int)((uint)value & 1);

    /// <summary>
    /// Reads a varint at <paramref name="offset"/>, advancing it. Throws <see cref="BatchFormatException"/>
    /// for a varint that runs past the end or past 10 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ReadOnlySpan<byte> source, ref int offset, string what)
    {
        if ((uint)offset < (uint)source.Length && source[offset] < 0x80)
        {
            return source[offset++];
        }

        return ReadSlow(source, ref offset, what);
    }

    private static ulong ReadSlow(ReadOnlySpan<byte> source, ref int offset, string what)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (offset >= source.Length)
            {
                throw new BatchFormatException($"the batch ends inside the {what}");
            }

            var b = source[offset++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new BatchFormatException($"the {what} is a varint longer than 10 bytes");
    }
}
