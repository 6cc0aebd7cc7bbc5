using System.Net.Http.Headers;
using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PeerSync.Cli.Api.Model;

namespace PeerSync.Cli.Api;

/// <summary>
/// <see cref="IPeerSyncClient"/> over HttpClient. Each call is bounded by the timeout (measured on
/// the injected <see cref="TimeProvider"/>), answers are read whole (up to
/// <see cref="MaxAnswerBytes"/>) and checked against the contract's shapes.
/// </summary>
public sealed class PeerSyncClient : IPeerSyncClient
{
    /// <summary>The largest answer accepted; a full records page (1000 records) fits easily.</summary>
    public const int MaxAnswerBytes = 64 << 20;

    private static readonly UriCreationOptions RawPath = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpClient _http;
    private readonly string? _token;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <param name="http">Used as given; its own Timeout should be infinite (the client applies <paramref name="timeout"/>).</param>
    public PeerSyncClient(HttpClient http, NodeEndpoint node, string? token, TimeSpan timeout, TimeProvider time)
    {
        _http = http;
        Node = node;
        _token = string.IsNullOrEmpty(token) ? null : token;
        _timeout = timeout;
        _time = time;
    }

    public NodeEndpoint Node { get; }

    /// <summary>An HttpClient suited to this class: no timeout of its own, no automatic proxy for loopback.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public Task<Reply<ClusterState>> GetClusterAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.Cluster, null, CliJson.Context.ClusterState, cancellationToken);

    public Task<Reply<MemberChange>> LeaveAsync(string? memberId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, memberId is null ? ApiPaths.Leave : ApiPaths.LeaveMember(memberId), null, CliJson.Context.MemberChange, cancellationToken);

    public Task<Reply<MemberChange>> DownAsync(string memberId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, ApiPaths.Down(memberId), null, CliJson.Context.MemberChange, cancellationToken);

    public Task<Reply<SyncStatus>> GetSyncStatusAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.SyncStatus, null, CliJson.Context.SyncStatus, cancellationToken);

    public Task<Reply<IReadOnlyList<SyncPeer>>> GetSyncPeersAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.SyncPeers, null, CliJson.Context.IReadOnlyListSyncPeer, cancellationToken);

    public Task<Reply<RecordEntry>> GetRecordAsync(string collection, string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.Record(collection, key), null, CliJson.Context.RecordEntry, cancellationToken);

    public Task<Reply<RecordWritten>> PutRecordAsync(string collection, string key, JsonElement value, CancellationToken cancellationToken)
    {
        var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, CliJson.Compact));
        body.Headers.ContentType = new MediaTypeHeaderValue(MediaTypeNames.Application.Json) { CharSet = "utf-8" };
        return SendAsync(HttpMethod.Put, ApiPaths.Record(collection, key), body, CliJson.Context.RecordWritten, cancellationToken);
    }

    public Task<Reply<RecordWritten>> DeleteRecordAsync(string collection, string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, ApiPaths.Record(collection, key), null, CliJson.Context.RecordWritten, cancellationToken);

    public Task<Reply<RecordPage>> ListRecordsAsync(string collection, string? after, int? limit, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.RecordPage(collection, after, limit), null, CliJson.Context.RecordPage, cancellationToken);

    public Task<Reply<NodeInfo>> GetNodeAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.Node, null, CliJson.Context.NodeInfo, cancellationToken);

    public Task<Reply<ActorInfo>> GetActorsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.Actors, null, CliJson.Context.ActorInfo, cancellationToken);

    public Task<Reply<LogPage>> GetLogsAsync(int? limit, string? level, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ApiPaths.Logs(limit, level), null, CliJson.Context.LogPage, cancellationToken);

    public async Task<EventStream> OpenClusterEventsAsync(string? lastEventId, CancellationToken cancellationToken)
    {
        var operation = $"GET {ApiPaths.ClusterEvents}";
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = NewRequest(HttpMethod.Get, ApiPaths.ClusterEvents, null);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await ReadBodyAsync(response, operation, linked.Token).ConfigureAwait(false);
                throw NodeErrors.Status(Node, operation, response, errorBody, _token is not null);
            }

            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                throw NodeErrors.Malformed(Node, operation,
                    $"expected text/event-stream, got {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
            }

            var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var stream = new EventStream(Node, operation, response, body);
            response = null;
            return stream;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Timeout(Node, operation, _timeout);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Transport(Node, operation, e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Broken(Node, operation, e);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private async Task<Reply<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> shape, CancellationToken cancellationToken)
    {
        var operation = $"{method.Method} {path}";
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = NewRequest(method, path, content);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response, operation, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw NodeErrors.Status(Node, operation, response, body, _token is not null);
            }

            return Decode(body, operation, shape);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Timeout(Node, operation, _timeout);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Transport(Node, operation, e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw NodeErrors.Broken(Node, operation, e);
        }
    }

    private Reply<T> Decode<T>(byte[] body, string operation, JsonTypeInfo<T> shape)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var value = document.RootElement.Deserialize(shape)
                ?? throw NodeErrors.Malformed(Node, operation, "the answer is null");
            return new Reply<T>(value, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw NodeErrors.Malformed(Node, operation, body.Length == 0 ? "the answer is empty" : e.Message, e);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxAnswerBytes)
        {
            throw NodeErrors.Malformed(Node, operation, $"the answer has {response.Content.Headers.ContentLength} bytes; psync accepts at most {MaxAnswerBytes}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes)
            {
                throw NodeErrors.Malformed(Node, operation, $"the answer is larger than {MaxAnswerBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, HttpContent? content)
    {
        // The path is already escaped segment by segment; canonicalisation would undo some of it.
        var uri = new Uri(Node.BaseUri.GetLeftPart(UriPartial.Authority) + path, RawPath);
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.Application.Json));
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        return request;
    }
}
