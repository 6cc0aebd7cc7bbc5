using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PeerSync.Node.Http.Requests;

/// <summary>
/// Reads a request body that must be one JSON value: at most the configured size (413 past it,
/// without buffering the excess), checked by <see cref="Utf8JsonReader"/> without building a
/// document, then handed on as text. The only copies are the pooled buffer and the final string,
/// which the facade's signature needs.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>JSON nesting accepted in a value; deeper input is refused, as System.Text.Json does by default.</summary>
    public const int MaxDepth = 64;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static async ValueTask<string> ReadValueAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var reader = request.BodyReader;
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and var n ? (int)n : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var data = result.Buffer;
                if (length + data.Length > maxBytes)
                {
                    reader.AdvanceTo(data.End);
                    throw TooLarge(maxBytes);
                }

                if (length + data.Length > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes, Math.Max(buffer.Length * 2L, length + data.Length)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The detail of a 413, also used when Kestrel's own limit trips first.</summary>
    public static string TooLargeDetail(long maxBytes) => string.Create(CultureInfo.InvariantCulture,
        $"the request body is larger than {maxBytes} bytes, the limit of this node (peersync.http.max-body-size)");

    /// <summary>The text of one JSON value, or a 400 naming the line and byte of the first error.</summary>
    internal static string Parse(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith(Utf8Bom))
        {
            // RFC 8259 lets a parser ignore a byte order mark; some Windows tools write one.
            body = body[Utf8Bom.Length..];
        }

        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw HttpProblemException.BadRequest("the body is empty; send one JSON value (for example null, 42, \"text\" or {\"a\":1})");
        }

        try
        {
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (json.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw HttpProblemException.BadRequest("the body is not valid JSON: " + Describe(e));
        }

        return Encoding.UTF8.GetString(body);
    }

    private static string Describe(JsonException e)
    {
        // The reader's message ends with " LineNumber: 0 | BytePositionInLine: 3."; we say it in
        // 1-based words instead, as editors count.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        // The message quotes the offending text, which may span lines: keep the detail on one.
        return string.Create(CultureInfo.InvariantCulture, $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {NameRules.Show(message, 300)}");
    }

    private static HttpProblemException TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge, TooLargeDetail(maxBytes));
}
