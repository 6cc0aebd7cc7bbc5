using System.Diagnostics.Metrics;
using PeerSync.Hosting.Node;
using PeerSync.TestKit.MultiNode;
using Xunit.Abstractions;

namespace PeerSync.Hosting.Tests.Api;

/// <summary>A running node reports its membership as gauges, tagged with its id, until it stops.</summary>
[Collection(RealNodes.Collection)]
public sealed class NodeClusterMetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cluster_gauges_report_members_by_status_and_leadership_until_the_node_stops()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, output: output);
        await cluster.AwaitConvergenceAsync();

        var running = Observe("n1");
        await cluster.StopAsync(cluster["n1"]);
        var stopped = Observe("n1");

        Assert.Equal(3, running[("peersync.cluster.members", "Up")]);
        Assert.Equal(0, running[("peersync.cluster.members", "Joining")]);
        Assert.Equal(0, running[("peersync.cluster.unreachable_members", "")]);
        Assert.Equal(1, running[("peersync.cluster.is_leader", "")]);
        Assert.Empty(stopped);
    }

    /// <summary>One collection of every gauge of the meter, for node <paramref name="node"/>: (instrument, status tag) to value.</summary>
    private static Dictionary<(string, string), long> Observe(string node)
    {
        var values = new Dictionary<(string, string), long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == NodeClusterMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? nodeTag = null;
            var status = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "node")
                {
                    nodeTag = tag.Value as string;
                }
                else if (tag.Key == "status")
                {
                    status = (string)tag.Value!;
                }
            }

            if (nodeTag == node)
            {
                values[(instrument.Name, status)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
