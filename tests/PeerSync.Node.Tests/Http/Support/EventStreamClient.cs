using System.Text;

namespace PeerSync.Node.Tests.Http.Support;

/// <summary>
/// Reads a Server-Sent Events answer in a test: one raw block (the lines up to a blank line) at a
/// time, so tests see exactly what went over the wire, comments included.
/// </summary>
internal sealed class EventStreamClient : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<EventStreamClient> OpenAsync(ServerHarness server, string pathAndQuery, string? lastEventId = null)
    {
        using var request = server.Request(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(HangGuard);
        return new EventStreamClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next block's lines (without the blank line ending it), or null when the stream ended.</summary>
    public async Task<IReadOnlyList<string>?> ReadBlockAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(HangGuard);
            if (line is null)
            {
                return lines.Count == 0 ? null : lines;
            }

            if (line.Length == 0)
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
