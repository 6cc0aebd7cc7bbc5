using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PeerSync.Hosting.Logging;
using PeerSync.Hosting.Options;
using PeerSync.Hosting.Tests.Configuration.Support;
using PeerSync.Remote.Addressing;

namespace PeerSync.Hosting.Tests.Logging;

/// <summary>The node's Serilog pipeline: NodeId on every event, levels and overrides, the JSON file, the recent buffer.</summary>
public sealed class NodeLoggingTests : IDisposable
{
    private static readonly NodeId Node = NodeId.Parse("n1");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_event_carries_the_node_id_whatever_its_category_or_level()
    {
        var console = new StringWriter();
        var options = new LoggingOptions { Console = { Format = ConsoleLogFormat.Json, Level = LogLevel.Trace } };
        using (var logging = NodeLogging.Create(options, Node, console))
        {
            logging.LoggerFactory.CreateLogger("PeerSync.Remote").LogTrace("Link {PeerId} up", "n2");
            logging.LoggerFactory.CreateLogger("App").LogError(new InvalidOperationException("boom"), "Failed");
            logging.LoggerFactory.CreateLogger<NodeLoggingTests>().LogInformation("Plain");
        }

        var lines = Lines(console).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("n1", (string?)l["Properties"]!["NodeId"]));
        Assert.Equal("Link \"n2\" up", (string?)lines[0]["RenderedMessage"]);
    }

    [Fact]
    public void A_message_keeps_its_own_NodeId_property_when_it_has_one()
    {
        // Templates use NodeId for other nodes too (STYLE.md vocabulary); enrichment never overwrites message data.
        var console = new StringWriter();
        using (var logging = NodeLogging.Create(new LoggingOptions { Console = { Format = ConsoleLogFormat.Json } }, Node, console))
        {
            logging.LoggerFactory.CreateLogger("PeerSync.Cluster").LogInformation("Member {NodeId} up", "n3");
        }

        Assert.Equal("n3", (string?)JsonNode.Parse(Assert.Single(Lines(console)))!["Properties"]!["NodeId"]);
    }

    [Fact]
    public void Human_console_line_shows_time_level_node_category_and_message()
    {
        var console = new StringWriter();
        using (var logging = NodeLogging.Create(new LoggingOptions(), Node, console))
        {
            logging.LoggerFactory.CreateLogger("PeerSync.Remote").LogWarning("Peer {PeerId} stopped reading", "n2");
        }

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} WRN \[n1\] PeerSync\.Remote: Peer n2 stopped reading$", Assert.Single(Lines(console)));
    }

    [Fact]
    public void Overrides_replace_the_destination_level_for_a_category_and_the_categories_below_it()
    {
        var console = new StringWriter();
        var options = new LoggingOptions
        {
            Console = { Format = ConsoleLogFormat.Json, Level = LogLevel.Information },
            Overrides = { ["PeerSync.Remote"] = LogLevel.Debug, ["PeerSync.Noisy"] = LogLevel.Error },
        };
        using (var logging = NodeLogging.Create(options, Node, console))
        {
            var factory = logging.LoggerFactory;
            factory.CreateLogger("PeerSync.Remote.Transport").LogDebug("remote debug: kept");
            factory.CreateLogger("PeerSync.RemoteX").LogDebug("other category debug: dropped");
            factory.CreateLogger("PeerSync.Sync").LogDebug("sync debug: dropped");
            factory.CreateLogger("PeerSync.Sync").LogInformation("sync info: kept");
            factory.CreateLogger("PeerSync.Noisy").LogWarning("noisy warning: dropped");
            factory.CreateLogger("Microsoft.AspNetCore.Hosting").LogInformation("request: dropped by the default override");
        }

        var messages = Lines(console).Select(l => (string?)JsonNode.Parse(l)!["RenderedMessage"]).ToList();
        Assert.Equal(["remote debug: kept", "sync info: kept"], messages);
    }

    [Fact]
    public void Level_none_turns_a_destination_off()
    {
        var console = new StringWriter();
        using (var logging = NodeLogging.Create(new LoggingOptions { Console = { Level = LogLevel.None } }, Node, console))
        {
            logging.LoggerFactory.CreateLogger("X").LogCritical("not shown");
            Assert.Single(logging.Recent.Snapshot(10));
        }

        Assert.Empty(Lines(console));
    }

    [Fact]
    public void File_destination_writes_json_lines_with_the_node_id()
    {
        var path = Path.Combine(_dir.Path, "logs", "node.log");
        var options = new LoggingOptions { Console = { Level = LogLevel.None }, File = { Path = path, Level = LogLevel.Debug } };
        using (var logging = NodeLogging.Create(options, Node))
        {
            logging.LoggerFactory.CreateLogger("PeerSync.Sync").LogDebug("Applied {SeqNo}", 42);
        }

        var line = JsonNode.Parse(Assert.Single(File.ReadAllLines(path)))!;
        Assert.Equal("n1", (string?)line["Properties"]!["NodeId"]);
        Assert.Equal(42, (int?)line["Properties"]!["SeqNo"]);
        Assert.Equal("Debug", (string?)line["Level"]);
    }

    [Fact]
    public void Recent_buffer_keeps_events_at_its_level_with_category_and_exception()
    {
        using var logging = NodeLogging.Create(new LoggingOptions { Console = { Level = LogLevel.None } }, Node);
        var logger = logging.LoggerFactory.CreateLogger("PeerSync.Remote");

        logger.LogDebug("below the buffer's level");
        logger.LogError(new InvalidOperationException("boom"), "Link {PeerId} failed", "n2");

        var entry = Assert.Single(logging.Recent.Snapshot(10));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("PeerSync.Remote", entry.Category);
        Assert.Equal("Link n2 failed", entry.Message);
        Assert.Contains("InvalidOperationException: boom", entry.Exception, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPeerSyncLogging_routes_host_logging_and_registers_the_recent_buffer()
    {
        using var logging = NodeLogging.Create(new LoggingOptions { Console = { Level = LogLevel.None } }, Node);
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddPeerSyncLogging(logging));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILogger<NodeLoggingTests>>().LogWarning("through the host");

        Assert.Same(logging.Recent, provider.GetRequiredService<RecentLogEvents>());
        Assert.Equal("through the host", Assert.Single(logging.Recent.Snapshot(10)).Message);
    }

    [Fact]
    public void Logging_from_options_uses_the_node_id_and_logging_section()
    {
        var console = new StringWriter();
        var options = new PeerSyncOptions { Node = { Id = "n5" }, Logging = { Console = { Level = LogLevel.Error } } };
        using (var logging = NodeLogging.Create(options, console))
        {
            logging.LoggerFactory.CreateLogger("X").LogWarning("below error");
            logging.LoggerFactory.CreateLogger("X").LogError("shown");
        }

        Assert.Contains("ERR [n5] X: shown", Assert.Single(Lines(console)), StringComparison.Ordinal);
    }

    private static List<string> Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
}
