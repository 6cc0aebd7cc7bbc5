using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace PeerSync.Node.Http.Json;

/// <summary>
/// Writes JSON answers with a Content-Length: the body is serialized into a per-thread buffer,
/// then copied once into the response pipe, which Kestrel sends when the handler returns, in one
/// write. The cached writer and buffer are used synchronously (no await between renting and
/// returning), and a buffer grown by an unusually large answer is not kept.
/// </summary>
internal static class JsonResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>Buffers up to this size stay cached per thread; a record page of large values is let go.</summary>
    private const int MaxCachedBufferBytes = 256 * 1024;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static void Write<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type) =>
        Write(context, status, JsonContentType, (value, type), static (writer, state) => JsonSerializer.Serialize(writer, state.value, state.type));

    /// <summary>Writes what <paramref name="write"/> produces (for shapes written by hand).</summary>
    public static void Write<TState>(HttpContext context, int status, TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(context, status, JsonContentType, state, write);

    /// <summary>A problem answer (RFC 9457) with <paramref name="detail"/> naming what was wrong.</summary>
    public static void WriteProblem(HttpContext context, int status, string detail, string? traceId = null)
    {
        var body = new ProblemBody("about:blank", Title(status), status, detail) { TraceId = traceId };
        Write(context, status, ProblemContentType, body, static (writer, problem) => JsonSerializer.Serialize(writer, problem, HttpJsonContext.Default.ProblemBody));
    }

    /// <summary>A writer over <paramref name="output"/>; give it back with <see cref="Return"/> before any await.</summary>
    public static Utf8JsonWriter Rent(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            return new Utf8JsonWriter(output);
        }

        t_writer = null;
        writer.Reset(output);
        return writer;
    }

    public static void Return(Utf8JsonWriter writer)
    {
        // Reset drops the reference to the output, so a cached writer never keeps a response alive.
        writer.Reset(Stream.Null);
        t_writer = writer;
    }

    private static void Write<TState>(HttpContext context, int status, string contentType, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        t_buffer = null;
        buffer.ResetWrittenCount();
        var writer = Rent(buffer);
        try
        {
            // Serialized in full before anything reaches the response: if it fails, the error
            // handling can still answer with a problem.
            write(writer, state);
            writer.Flush();
        }
        finally
        {
            Return(writer);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = buffer.WrittenCount;
        var output = response.BodyWriter;
        buffer.WrittenSpan.CopyTo(output.GetSpan(buffer.WrittenCount));
        output.Advance(buffer.WrittenCount);
        if (buffer.Capacity <= MaxCachedBufferBytes)
        {
            t_buffer = buffer;
        }
    }

    private static string Title(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
