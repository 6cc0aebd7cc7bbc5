using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PeerSync.Node.Http.Json;

namespace PeerSync.Node.Http.Streaming;

/// <summary>
/// One Server-Sent Events answer: headers sent at once (so a client waiting for them does not
/// time out on a quiet feed), each event written whole and flushed, and a comment line every
/// heartbeat interval so proxies and load balancers keep an idle stream open. Events and
/// heartbeats never interleave (one writer at a time). The caller ends the stream by cancelling
/// the token it passed to <see cref="StartAsync"/> and disposing this.
/// </summary>
internal sealed class EventStreamResponse : IAsyncDisposable
{
    public const string ContentType = "text/event-stream";

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    private readonly HttpContext _context;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeatInterval;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private CancellationTokenSource? _heartbeatStop;
    private Task _heartbeats = Task.CompletedTask;

    public EventStreamResponse(HttpContext context, TimeProvider time, TimeSpan heartbeatInterval)
    {
        _context = context;
        _time = time;
        _heartbeatInterval = heartbeatInterval;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";

        // nginx buffers proxied answers unless told otherwise, which would hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
        _context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);

        _heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _heartbeats = SendHeartbeatsAsync(_heartbeatStop.Token);
    }

    /// <summary>Writes `id:` (when given), `event:` and the JSON data, and flushes.</summary>
    public async Task WriteAsync<TState>(string eventType, long? id, TState state, Action<Utf8JsonWriter, TState> writeData, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Compose(eventType, id, state, writeData);
            await _context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_heartbeatStop is not null)
        {
            await _heartbeatStop.CancelAsync().ConfigureAwait(false);
            await _heartbeats.ConfigureAwait(false);
            _heartbeatStop.Dispose();
        }

        _writeGate.Dispose();
    }

    private void Compose<TState>(string eventType, long? id, TState state, Action<Utf8JsonWriter, TState> writeData)
    {
        _data.ResetWrittenCount();
        var json = JsonResponse.Rent(_data);
        try
        {
            writeData(json, state);
            json.Flush();
        }
        finally
        {
            JsonResponse.Return(json);
        }

        // A data line ends at a line break. JSON has raw line breaks only as whitespace between
        // tokens (inside strings they are escaped), which stored values may carry: a space is
        // equivalent there and keeps the event on one data line.
        var data = _data.WrittenSpan;
        var output = _context.Response.BodyWriter;
        if (id is { } position)
        {
            Write(output, "id: "u8);
            var span = output.GetSpan(20);
            Utf8Formatter.TryFormat(position, span, out var written);
            output.Advance(written);
            Write(output, "\n"u8);
        }

        Write(output, "event: "u8);
        var typeSpan = output.GetSpan(eventType.Length);
        var typeBytes = System.Text.Encoding.UTF8.GetBytes(eventType, typeSpan);
        output.Advance(typeBytes);
        Write(output, "\ndata: "u8);
        var target = output.GetSpan(data.Length);
        data.CopyTo(target);
        target[..data.Length].Replace((byte)'\r', (byte)' ');
        target[..data.Length].Replace((byte)'\n', (byte)' ');
        output.Advance(data.Length);
        Write(output, "\n\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private async Task SendHeartbeatsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_heartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    Write(_context.Response.BodyWriter, Heartbeat);
                    await _context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _writeGate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended (client gone, server stopping, feed finished): no more heartbeats.
        }
        catch (IOException)
        {
            // The connection broke under a heartbeat; the event loop sees the abort and ends too.
        }
    }
}
