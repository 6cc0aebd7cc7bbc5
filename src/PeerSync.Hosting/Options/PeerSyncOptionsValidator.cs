using System.Globalization;
using System.Net;
using PeerSync.Cluster;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;
using PeerSync.Remote.Addressing;

namespace PeerSync.Hosting.Options;

/// <summary>
/// Checks every section, reusing each layer's own validation (RemoteOptions.Validate,
/// ClusterConfig.From, SyncOptions.Validate, the persistence options' Validate), then the sections
/// Hosting owns and the relations between sections.
/// </summary>
internal static class PeerSyncOptionsValidator
{
    /// <summary>A token as long as the cluster secret's minimum: short tokens can be guessed.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Room in a frame for what wraps a record value in a sync batch (names, versions, ids).</summary>
    public const long FrameOverheadBytes = 64 * 1024;

    public static IReadOnlyList<string> Validate(PeerSyncOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        ValidateNode(o.Node, errors);
        errors.AddRange(o.Remote.Validate());
        ValidateCluster(o, errors);
        errors.AddRange(o.Sync.Validate());
        ValidatePersistence(o, errors);
        ValidateHttp(o, errors);
        ValidateLogging(o.Logging, errors);
        return errors;
    }

    private static void ValidateNode(NodeOptions node, List<string> errors)
    {
        if (string.IsNullOrEmpty(node.Id))
        {
            errors.Add("peersync.node.id is not set; give every node a stable, unique id such as \"n1\" (letters, digits, '.', '_', '-')");
        }
        else if (!NodeId.TryParse(node.Id, out _, out var error))
        {
            errors.Add($"peersync.node.id: {error}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < node.Roles.Count; i++)
        {
            var role = node.Roles[i];
            if (string.IsNullOrWhiteSpace(role) || role.Any(char.IsWhiteSpace))
            {
                errors.Add(Invariant($"peersync.node.roles[{i}] is '{role}'; a role is a non-empty word without spaces, such as hub"));
            }
            else if (!seen.Add(role))
            {
                errors.Add(Invariant($"peersync.node.roles[{i}]: '{role}' is listed twice"));
            }
        }
    }

    private static void ValidateCluster(PeerSyncOptions o, List<string> errors)
    {
        var syncMode = o.Sync.Mode?.Trim();
        var electionMode = o.Cluster.Election?.Mode?.Trim();
        if (IsMode(syncMode) && !string.Equals(syncMode, electionMode, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Cluster.Election.Mode is '{electionMode}' but peersync.sync.mode is '{syncMode}'; the mode is set by peersync.sync.mode alone (the binder copies it), so leave Cluster.Election.Mode equal to it");
            return;
        }

        try
        {
            o.Cluster.ToConfig();
        }
        catch (ClusterConfigException e)
        {
            // An invalid sync mode is reported once, by the sync section, not again under the election key.
            errors.AddRange(IsMode(syncMode) ? e.Errors : e.Errors.Where(x => !x.StartsWith("peersync.cluster.election.mode", StringComparison.Ordinal)));
        }
    }

    private static bool IsMode(string? mode) =>
        string.Equals(mode, "leader", StringComparison.OrdinalIgnoreCase) || string.Equals(mode, "leaderless", StringComparison.OrdinalIgnoreCase);

    private static void ValidatePersistence(PeerSyncOptions o, List<string> errors)
    {
        var p = o.Persistence;
        var provider = p.Provider?.Trim().ToLowerInvariant();
        if (!PersistenceFactory.Providers.Contains(provider))
        {
            errors.Add($"{PersistenceConfigKeys.Provider} is '{p.Provider}'; use {string.Join(", ", PersistenceFactory.Providers)}");
            return;
        }

        var options = p.ToPersistenceOptions(o.Node.ResolveDataDir());
        try
        {
            switch (provider)
            {
                case PersistenceFactory.Postgres:
                    new PostgresJournalOptions { ConnectionString = options.ConnectionString, SchemaName = options.PostgresSchema, Journal = options.Journal }.Validate();
                    if (!IsSchemaName(p.PostgresRecordsSchema))
                    {
                        errors.Add($"peersync.persistence.postgres.records-schema: must be 1-63 lower-case letters, digits or '_' starting with a letter or '_', got '{p.PostgresRecordsSchema}'");
                    }

                    break;
                case PersistenceFactory.Sqlite:
                    RequireNoConnectionString(p, provider, errors);
                    new SqliteJournalOptions
                    {
                        DataDir = options.DataDir, Synchronous = options.SqliteSynchronous, BusyTimeoutMs = options.SqliteBusyTimeoutMs, Journal = options.Journal,
                    }.Validate();
                    if (!IsPlainFileName(p.SqliteRecordsFileName))
                    {
                        errors.Add($"peersync.persistence.sqlite.records-file-name: must be a plain file name inside the data directory, got '{p.SqliteRecordsFileName}'");
                    }

                    break;
                default:
                    RequireNoConnectionString(p, provider!, errors);
                    options.Journal.Validate();
                    break;
            }
        }
        catch (PersistenceOptionsException e)
        {
            errors.Add(e.Message);
        }
    }

    private static void RequireNoConnectionString(PeerSyncPersistenceOptions p, string provider, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(p.ConnectionString))
        {
            errors.Add($"{PersistenceConfigKeys.ConnectionString} is set but {PersistenceConfigKeys.Provider} is {provider}; it is used by postgres only, so remove it or set provider = postgres");
        }
    }

    private static bool IsSchemaName(string? name) =>
        name is { Length: >= 1 and <= 63 } && (char.IsAsciiLetterLower(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static bool IsPlainFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.IndexOfAny(['/', '\\']) < 0 && name is not "." and not "..";

    private static void ValidateHttp(PeerSyncOptions o, List<string> errors)
    {
        var http = o.Http;
        if (string.IsNullOrWhiteSpace(http.Hostname))
        {
            errors.Add("peersync.http.hostname is empty; set the address the HTTP API listens on, e.g. 127.0.0.1");
        }

        if (http.Port is < 0 or > 65535)
        {
            errors.Add(Invariant($"peersync.http.port is {http.Port}; use 1-65535 (or 0 to pick a free port)"));
        }

        if (http.Token.Length > 0 && http.Token.Length < MinTokenLength)
        {
            errors.Add(Invariant($"peersync.http.token has {http.Token.Length} characters; use at least {MinTokenLength} random characters, or leave it empty on a loopback hostname"));
        }
        else if (http.Token.Length == 0 && !string.IsNullOrWhiteSpace(http.Hostname) && !IsLoopback(http.Hostname))
        {
            errors.Add($"peersync.http.token is empty but peersync.http.hostname is {http.Hostname}, which is reachable from other machines; set a token of at least {MinTokenLength} characters, or listen on 127.0.0.1");
        }

        if (http.MaxBodySizeBytes < 1024)
        {
            errors.Add(Invariant($"peersync.http.max-body-size is {http.MaxBodySizeBytes} bytes; use at least 1 KiB (default 1 MiB)"));
        }
        else if (http.MaxBodySizeBytes + FrameOverheadBytes > o.Remote.MaxFrameSizeBytes)
        {
            errors.Add(Invariant($"peersync.http.max-body-size ({http.MaxBodySizeBytes} bytes) must be at least 64 KiB smaller than peersync.remote.max-frame-size ({o.Remote.MaxFrameSizeBytes} bytes): a record value larger than a frame could never replicate"));
        }

        if (http.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add(Invariant($"peersync.http.request-timeout is {http.RequestTimeout}; it must be positive (default 30s)"));
        }

        if (http.RateLimit.RequestsPerSecond < 0)
        {
            errors.Add(Invariant($"peersync.http.rate-limit.requests-per-second is {http.RateLimit.RequestsPerSecond}; use 0 (no limit) or more"));
        }
        else if (http.RateLimit.RequestsPerSecond > 0 && http.RateLimit.Burst < 1)
        {
            errors.Add(Invariant($"peersync.http.rate-limit.burst is {http.RateLimit.Burst}; use at least 1 while requests-per-second is set (default 2000)"));
        }

        if (http.Port != 0 && http.Port == o.Remote.Port && SameHost(http.Hostname, o.Remote.Hostname))
        {
            errors.Add(Invariant($"peersync.http.port and peersync.remote.port are both {http.Port} on {http.Hostname}; one port cannot serve both, so change one of them (defaults 8053 and 4053)"));
        }
    }

    private static void ValidateLogging(LoggingOptions logging, List<string> errors)
    {
        if (logging.File.MaxSizeBytes < 1024 * 1024)
        {
            errors.Add(Invariant($"peersync.logging.file.max-size is {logging.File.MaxSizeBytes} bytes; use at least 1 MiB (default 100 MiB)"));
        }

        if (logging.File.RetainedFiles is < 1 or > 1000)
        {
            errors.Add(Invariant($"peersync.logging.file.retained-files is {logging.File.RetainedFiles}; use 1-1000 (default 5)"));
        }

        if (logging.Recent.Capacity is < 1 or > 100_000)
        {
            errors.Add(Invariant($"peersync.logging.recent.capacity is {logging.Recent.Capacity}; use 1-100000 events (default 1000)"));
        }

        foreach (var category in logging.Overrides.Keys.Where(string.IsNullOrWhiteSpace))
        {
            errors.Add($"peersync.logging.overrides has an empty category '{category}'; name a logger category such as PeerSync.Remote");
        }
    }

    /// <summary>True for names that only this machine can reach.</summary>
    internal static bool IsLoopback(string host)
    {
        var trimmed = host.Trim().Trim('[', ']');
        return string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(trimmed, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Whether two listeners would compete for a port: the same name, all-interfaces on
    /// either side, or loopback on both (localhost may resolve to either loopback address).</summary>
    internal static bool SameHost(string a, string b)
    {
        static bool IsWildcard(string h) => h.Trim().Trim('[', ']') is "0.0.0.0" or "::" or "*" or "+";
        return string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase)
            || IsWildcard(a) || IsWildcard(b)
            || (IsLoopback(a) && IsLoopback(b));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
