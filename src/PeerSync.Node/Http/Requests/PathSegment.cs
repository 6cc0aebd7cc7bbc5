using System.Buffers;
using System.Text;

namespace PeerSync.Node.Http.Requests;

/// <summary>
/// Decodes one path segment taken from the raw request target. Routing runs on the undecoded
/// path (see RawTargetPath), so an escaped `/` (%2F) or `.` (%2E) in a key can never change the
/// route, and each name is decoded exactly once, here: percent escapes to bytes, bytes as strict
/// UTF-8. A malformed escape or invalid UTF-8 is a 400 naming the segment.
/// </summary>
internal static class PathSegment
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="what">What the segment is, for the error ("key", "collection name", "member id").</param>
    public static string Decode(string raw, string what)
    {
        var firstEscape = raw.IndexOf('%', StringComparison.Ordinal);
        if (firstEscape < 0 && Ascii.IsValid(raw))
        {
            return raw;
        }

        // Every char yields at most three UTF-8 bytes, and an escape (three chars) one byte.
        var maxBytes = raw.Length * 3;
        var rented = maxBytes > 512 ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> bytes = rented ?? stackalloc byte[512];
        try
        {
            var count = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '%')
                {
                    if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                    {
                        throw HttpProblemException.BadRequest(
                            $"the {what} in the path has a malformed escape at character {i + 1}: '%' must be followed by two hex digits (write '%' itself as %25)");
                    }

                    bytes[count++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[count++] = (byte)c;
                }
                else
                {
                    // Kestrel hands over raw non-ASCII bytes of the target as UTF-8 text.
                    count += Encoding.UTF8.GetBytes(raw.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1), bytes[count..]);
                    if (char.IsHighSurrogate(c) && i + 1 < raw.Length)
                    {
                        i++;
                    }
                }
            }

            try
            {
                return StrictUtf8.GetString(bytes[..count]);
            }
            catch (DecoderFallbackException)
            {
                throw HttpProblemException.BadRequest($"the {what} in the path is not valid UTF-8 once its %-escapes are decoded");
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
