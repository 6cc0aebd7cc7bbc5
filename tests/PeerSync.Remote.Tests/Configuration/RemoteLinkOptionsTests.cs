using PeerSync.Remote.Configuration;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Configuration;

public sealed class RemoteLinkOptionsTests
{
    [Fact]
    public void RemoteLinkOptions_defaults_are_valid_and_map_to_the_machine_config()
    {
        var options = new RemoteLinkOptions();

        Assert.Empty(options.Validate());
        var config = options.ToConfig(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.Backoff.MinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Backoff.MaxBackoff);
        Assert.Equal(0.2, config.Backoff.RandomFactor);
        Assert.Equal(1_000, config.HeartbeatIntervalMs);
        Assert.Equal(10_000, config.HeartbeatTimeoutMs);
        Assert.Equal(5_000, config.TieBreakWindowMs);
    }

    [Theory]
    [InlineData("min", "peersync.remote.link.reconnect-min-backoff is 00:00:00; it must be positive")]
    [InlineData("max", "peersync.remote.link.reconnect-max-backoff (00:00:00.1000000) is below reconnect-min-backoff (00:00:00.2000000)")]
    [InlineData("jitter", "peersync.remote.link.reconnect-random-factor is 1.5; use 0 to 1")]
    [InlineData("messages", "peersync.remote.link.buffer-messages is 0; use 1 to 8388608")]
    [InlineData("bytes", "peersync.remote.link.buffer-size is 10 bytes; use 1 KiB to 64 GiB")]
    [InlineData("interval", "peersync.remote.link.heartbeat-interval is 00:00:00; it must be positive")]
    [InlineData("timeout", "peersync.remote.link.heartbeat-timeout (00:00:01) must be at least twice heartbeat-interval (00:00:01)")]
    [InlineData("ack", "peersync.remote.link.ack-delay is 00:00:05; use more than 0 and at most 1s")]
    [InlineData("batch", "peersync.remote.link.max-batch-size is 100 bytes; use 1 KiB to 16 MiB")]
    [InlineData("flush", "peersync.remote.link.shutdown-flush-timeout is -00:00:01; it must not be negative")]
    public void RemoteLinkOptions_Validate_names_the_key_and_the_fix(string problem, string expected)
    {
        var options = new RemoteOptions { Secret = TestNodes.Secret };
        var link = options.Link;
        switch (problem)
        {
            case "min": link.ReconnectMinBackoff = TimeSpan.Zero; break;
            case "max": link.ReconnectMaxBackoff = TimeSpan.FromMilliseconds(100); break;
            case "jitter": link.ReconnectRandomFactor = 1.5; break;
            case "messages": link.BufferMessages = 0; break;
            case "bytes": link.BufferBytes = 10; break;
            case "interval": link.HeartbeatInterval = TimeSpan.Zero; break;
            case "timeout": link.HeartbeatTimeout = TimeSpan.FromSeconds(1); break;
            case "ack": link.AckDelay = TimeSpan.FromSeconds(5); break;
            case "batch": link.MaxBatchBytes = 100; break;
            default: link.ShutdownFlushTimeout = TimeSpan.FromSeconds(-1); break;
        }

        Assert.Contains(link.Validate(), e => e.StartsWith(expected, StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(options.EnsureValid);
        Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteOptions_refuse_a_batch_size_that_does_not_fit_a_frame()
    {
        var options = new RemoteOptions { Secret = TestNodes.Secret, MaxFrameSizeBytes = 16 * 1024, SendQueueSizeBytes = 1 << 20 };

        Assert.Contains(options.Validate(), e => e.StartsWith("peersync.remote.link.max-batch-size (61440 bytes) must be below max-frame-size (16384 bytes)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remoting_refuses_invalid_options_before_binding_anything()
    {
        var options = new RemoteOptions { Secret = "short" };
        var settings = new RemotingSettings { Options = options, ClusterName = "c", NodeId = Remote.Addressing.NodeId.Parse("n") };

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => Remoting.CreateSystemAsync("sys", settings));

        Assert.Contains("peersync.remote.secret has 5 characters", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_refuses_an_empty_address_and_the_node_itself()
    {
        await using var node = await RemoteTestNode.StartAsync(new TestNetwork(TransportKind.InMemory), "solo");

        var self = Assert.Throws<ArgumentException>(() => node.Remoting.Connect(node.Endpoint));
        Assert.StartsWith($"cannot connect to {node.Endpoint}: it is this node's own address", self.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => node.Remoting.Connect(default));
        Assert.StartsWith("cannot connect to", empty.Message, StringComparison.Ordinal);
    }
}
