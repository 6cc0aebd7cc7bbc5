namespace PeerSync.Hosting.Options;

/// <summary>`peersync.node`: who this node is and where it keeps its files.</summary>
public sealed class NodeOptions
{
    /// <summary>`id`: the stable machine id (1-64 of letters, digits, '.', '_', '-'). It breaks ties
    /// in the leader election and names per-peer state, so it must never change for a data dir.
    /// Required: there is no safe default.</summary>
    public string Id { get; set; } = "";

    /// <summary>`roles`: free-form tags sent in the handshake (e.g. "hub"); empty by default.</summary>
    public IList<string> Roles { get; set; } = new List<string>();

    /// <summary>`data-dir`: where the SQLite files live. Empty (the default) means `data/&lt;id&gt;`
    /// relative to the working directory, so nodes started side by side never share files.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>The data directory in use: <see cref="DataDir"/>, or `data/&lt;id&gt;` when it is empty.</summary>
    public string ResolveDataDir() => string.IsNullOrWhiteSpace(DataDir) ? $"data/{Id}" : DataDir;
}
