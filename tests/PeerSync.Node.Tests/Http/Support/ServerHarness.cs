using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PeerSync.Actors;
using PeerSync.Hosting.Options;
using PeerSync.Node.Http;
using PeerSync.Node.Metrics;
using PeerSync.Node.Tests.Http.Fakes;
using PeerSync.TestKit;

namespace PeerSync.Node.Tests.Http.Support;

/// <summary>
/// A real <see cref="NodeHttpServer"/> on 127.0.0.1 and a free port, serving a
/// <see cref="FakePeerSyncApi"/> on a manual clock (rate limits, timeouts and heartbeats move only
/// when a test advances it), with every log line captured.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private static readonly UriCreationOptions RawPath = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly ILoggerFactory _loggers;

    private ServerHarness(NodeHttpServer server, FakePeerSyncApi api, ManualTimeProvider time, LogCapture logs, ILoggerFactory loggers)
    {
        Server = server;
        Api = api;
        Time = time;
        Logs = logs;
        _loggers = loggers;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public const string Token = "0123456789abcdef-test-token";

    public NodeHttpServer Server { get; }

    public FakePeerSyncApi Api { get; }

    public ManualTimeProvider Time { get; }

    public LogCapture Logs { get; }

    public HttpClient Http { get; }

    public string Authority => Server.Address.Authority;

    public static async Task<ServerHarness> StartAsync(Action<HttpOptions>? configure = null, PrometheusExporter? metrics = null)
    {
        var options = new HttpOptions { Hostname = "127.0.0.1", Port = 0 };
        configure?.Invoke(options);
        var api = new FakePeerSyncApi();
        var time = new ManualTimeProvider();
        var logs = new LogCapture();
        var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var server = await NodeHttpServer.StartAsync(api, options, loggers, time, NodeHttpServer.DefaultHeartbeatInterval, metrics, CancellationToken.None);
        return new ServerHarness(server, api, time, logs, loggers);
    }

    /// <summary>A request whose path and query go out exactly as written (no canonicalisation of escapes or dots).</summary>
    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery, string? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Server.Address.GetLeftPart(UriPartial.Authority) + pathAndQuery, RawPath));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public async Task<Answer> SendAsync(HttpMethod method, string pathAndQuery, string? body = null, string? token = null)
    {
        using var request = Request(method, pathAndQuery, body, token);
        return await SendAsync(request);
    }

    public async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, response)
        {
            ContentLength = response.Content.Headers.ContentLength,
            Chunked = response.Headers.TransferEncodingChunked == true,
        };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        _loggers.Dispose();
    }

    /// <summary>An answer read whole: status, content type, body text (and the headers).</summary>
    internal sealed record Answer(int Status, string? ContentType, string Body, HttpResponseMessage Response)
    {
        /// <summary>Read before the response is disposed.</summary>
        public long? ContentLength { get; init; }

        public bool Chunked { get; init; }

        public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("the body is JSON null");

        public string? Detail => (string?)Json["detail"];

        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
            : Response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
            : null;
    }
}
