using System.Globalization;
using PeerSync.Cluster;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Records;

namespace PeerSync.Simulation.Tests.Harness;

/// <summary>Faults, membership operations and client writes, as scenario scripts and the swarm call them.</summary>
internal sealed partial class SimWorld
{
    private readonly HashSet<NodeId> _decommissioned = [];

    /// <summary>Nodes taken out for good (left, or downed and never restarted): no supervisor restarts them.</summary>
    public IReadOnlySet<NodeId> Decommissioned => _decommissioned;

    public void Crash(string name) => this[name].Crash("fault");

    /// <summary>Starts a crashed process again (a new incarnation with its disk); waits for a whole network first.</summary>
    public void Restart(string name)
    {
        var process = this[name];
        process.Crash("restart");
        RestartWhenWhole(process);
    }

    public void RestartWhenWhole(SimProcess process)
    {
        if (process.Alive || _decommissioned.Contains(process.Id))
        {
            return;
        }

        if (IsWhole)
        {
            process.Start();
        }
        else
        {
            After(500, $"{process.Id} restart waits for a whole network", () => RestartWhenWhole(process));
        }
    }

    /// <summary>A new, empty node joins (n{N+1}); it backfills from its peers.</summary>
    public SimProcess AddNode()
    {
        var process = CreateProcess(Processes.Count + 1);
        Trace($"{process.Id} added");
        process.Start();
        return process;
    }

    /// <summary>The node leaves gracefully and its process then stops for good.</summary>
    public void Decommission(string name)
    {
        var process = this[name];
        _decommissioned.Add(process.Id);
        Trace($"{name} decommissioned (leaves)");
        process.Input(new ClusterInput.Leave(null));
    }

    /// <summary>The node's process dies for good and an operator downs it from <paramref name="from"/>.</summary>
    public void KillAndDown(string name, string from)
    {
        var process = this[name];
        _decommissioned.Add(process.Id);
        process.Crash("killed for good");
        this[from].Input(new ClusterInput.Down(process.Id));
    }

    public SimProcess? ProcessOf(NodeId id) => Processes.GetValueOrDefault(id);

    /// <summary>A client write (null value: delete) on a node; recorded as acknowledged when the node took it durably.</summary>
    public RecordVersion? Write(string node, CollectionName collection, string key, string? value)
    {
        var process = this[node];
        if (!process.Alive)
        {
            return null;
        }

        var written = process.Sync.Write(collection, RecordKey.Parse(key), value, NowMs);
        if (written is not null)
        {
            Checks.Acknowledged(process, written);
            Trace($"{node} wrote {collection}/{key} {(value is null ? "delete" : value)} {written.Stamp}");
        }

        return written;
    }

    public static string Value(long n) => n.ToString(CultureInfo.InvariantCulture);
}
