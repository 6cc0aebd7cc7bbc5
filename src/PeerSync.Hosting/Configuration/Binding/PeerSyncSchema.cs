using PeerSync.Hosting.Options;
using static PeerSync.Hosting.Configuration.Binding.SettingTypes;

namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// Every key of the `peersync` section and the property it sets, in hocon/reference.conf's order.
/// One table drives binding, unknown-key detection, suggestions and --print-config, so a key
/// cannot be bound without also being printed and checked. Keys are kebab-case; a few group
/// flat properties (`sync.backfill.page-size` sets <c>SyncOptions.BackfillPageSize</c>).
/// </summary>
internal static class PeerSyncSchema
{
    public static SchemaSection Root { get; } = Build();

    private static SchemaSection Build()
    {
        var root = new SchemaSection(PeerSyncOptions.SectionName);
        AddNode(root.Section("node"));
        AddRemote(root.Section("remote"));
        AddCluster(root.Section("cluster"));
        AddSync(root.Section("sync"));
        AddPersistence(root.Section("persistence"));
        AddHttp(root.Section("http"));
        AddLogging(root.Section("logging"));
        return root;
    }

    private static void AddNode(SchemaSection s)
    {
        s.Scalar("id", Text, o => o.Node.Id, (o, v) => o.Node.Id = v);
        s.List("roles", o => o.Node.Roles, (o, v) => o.Node.Roles = v);
        s.Scalar("data-dir", Text, o => o.Node.DataDir, (o, v) => o.Node.DataDir = v, display: o => o.Node.ResolveDataDir());
    }

    private static void AddRemote(SchemaSection s)
    {
        s.Scalar("hostname", Text, o => o.Remote.Hostname, (o, v) => o.Remote.Hostname = v);
        s.Scalar("port", Int, o => o.Remote.Port, (o, v) => o.Remote.Port = v);
        s.Scalar("secret", Text, o => o.Remote.Secret, (o, v) => o.Remote.Secret = v, SecretKind.Whole);
        s.Scalar("max-frame-size", IntSize, o => o.Remote.MaxFrameSizeBytes, (o, v) => o.Remote.MaxFrameSizeBytes = v);
        s.Scalar("handshake-timeout", Duration, o => o.Remote.HandshakeTimeout, (o, v) => o.Remote.HandshakeTimeout = v);
        s.Scalar("send-queue-size", Size, o => o.Remote.SendQueueSizeBytes, (o, v) => o.Remote.SendQueueSizeBytes = v);
        s.Scalar("write-stall-timeout", Duration, o => o.Remote.WriteStallTimeout, (o, v) => o.Remote.WriteStallTimeout = v);
        s.Scalar("max-pending-handshakes", Int, o => o.Remote.MaxPendingHandshakes, (o, v) => o.Remote.MaxPendingHandshakes = v);
        var tls = s.Section("tls");
        tls.Scalar("enabled", Bool, o => o.Remote.Tls.Enabled, (o, v) => o.Remote.Tls.Enabled = v);
        tls.Scalar("certificate-path", Text, o => o.Remote.Tls.CertificatePath ?? "", (o, v) => o.Remote.Tls.CertificatePath = NullIfEmpty(v));
        tls.Scalar("certificate-key-path", Text, o => o.Remote.Tls.CertificateKeyPath ?? "", (o, v) => o.Remote.Tls.CertificateKeyPath = NullIfEmpty(v));
        tls.Scalar("certificate-password", Text, o => o.Remote.Tls.CertificatePassword ?? "", (o, v) => o.Remote.Tls.CertificatePassword = NullIfEmpty(v), SecretKind.Whole);
        tls.Scalar("require-client-certificate", Bool, o => o.Remote.Tls.RequireClientCertificate, (o, v) => o.Remote.Tls.RequireClientCertificate = v);
        tls.List("allowed-thumbprints", o => o.Remote.Tls.AllowedThumbprints, (o, v) => o.Remote.Tls.AllowedThumbprints = v);
        var link = s.Section("link");
        link.Scalar("reconnect-min-backoff", Duration, o => o.Remote.Link.ReconnectMinBackoff, (o, v) => o.Remote.Link.ReconnectMinBackoff = v);
        link.Scalar("reconnect-max-backoff", Duration, o => o.Remote.Link.ReconnectMaxBackoff, (o, v) => o.Remote.Link.ReconnectMaxBackoff = v);
        link.Scalar("reconnect-random-factor", Number, o => o.Remote.Link.ReconnectRandomFactor, (o, v) => o.Remote.Link.ReconnectRandomFactor = v);
        link.Scalar("buffer-messages", Int, o => o.Remote.Link.BufferMessages, (o, v) => o.Remote.Link.BufferMessages = v);
        link.Scalar("buffer-size", Size, o => o.Remote.Link.BufferBytes, (o, v) => o.Remote.Link.BufferBytes = v);
        link.Scalar("heartbeat-interval", Duration, o => o.Remote.Link.HeartbeatInterval, (o, v) => o.Remote.Link.HeartbeatInterval = v);
        link.Scalar("heartbeat-timeout", Duration, o => o.Remote.Link.HeartbeatTimeout, (o, v) => o.Remote.Link.HeartbeatTimeout = v);
        link.Scalar("ack-delay", Duration, o => o.Remote.Link.AckDelay, (o, v) => o.Remote.Link.AckDelay = v);
        link.Scalar("max-batch-size", IntSize, o => o.Remote.Link.MaxBatchBytes, (o, v) => o.Remote.Link.MaxBatchBytes = v);
        link.Scalar("shutdown-flush-timeout", Duration, o => o.Remote.Link.ShutdownFlushTimeout, (o, v) => o.Remote.Link.ShutdownFlushTimeout = v);
        link.Scalar("jitter-seed", OptionalSeed, o => o.Remote.Link.JitterSeed, (o, v) => o.Remote.Link.JitterSeed = v);
    }

    private static void AddCluster(SchemaSection s)
    {
        s.Scalar("name", Text, o => o.Cluster.Name, (o, v) => o.Cluster.Name = v);
        s.List("seed-nodes", o => o.Cluster.SeedNodes, (o, v) => o.Cluster.SeedNodes = v);
        s.Scalar("heartbeat-interval", Duration, o => o.Cluster.HeartbeatInterval, (o, v) => o.Cluster.HeartbeatInterval = v);
        s.Scalar("gossip-interval", Duration, o => o.Cluster.GossipInterval, (o, v) => o.Cluster.GossipInterval = v);

        var fd = s.Section("failure-detector");
        fd.Scalar("threshold", Number, o => o.Cluster.FailureDetector.Threshold, (o, v) => o.Cluster.FailureDetector.Threshold = v);
        fd.Scalar("acceptable-heartbeat-pause", Duration, o => o.Cluster.FailureDetector.AcceptableHeartbeatPause, (o, v) => o.Cluster.FailureDetector.AcceptableHeartbeatPause = v);
        fd.Scalar("min-std-deviation", Duration, o => o.Cluster.FailureDetector.MinStdDeviation, (o, v) => o.Cluster.FailureDetector.MinStdDeviation = v);
        fd.Scalar("max-sample-size", Int, o => o.Cluster.FailureDetector.MaxSampleSize, (o, v) => o.Cluster.FailureDetector.MaxSampleSize = v);
        fd.Scalar("first-heartbeat-estimate", Duration, o => o.Cluster.FailureDetector.FirstHeartbeatEstimate, (o, v) => o.Cluster.FailureDetector.FirstHeartbeatEstimate = v);

        var downing = s.Section("downing");
        downing.Scalar("strategy", Text, o => o.Cluster.Downing.Strategy, (o, v) => o.Cluster.Downing.Strategy = v);
        downing.Scalar("stable-after", Duration, o => o.Cluster.Downing.StableAfter, (o, v) => o.Cluster.Downing.StableAfter = v);
        downing.Section("static-quorum").Scalar("size", Int, o => o.Cluster.Downing.StaticQuorumSize, (o, v) => o.Cluster.Downing.StaticQuorumSize = v);
        downing.Section("keep-oldest").Scalar("down-if-alone", Bool, o => o.Cluster.Downing.KeepOldestDownIfAlone, (o, v) => o.Cluster.Downing.KeepOldestDownIfAlone = v);

        var election = s.Section("election");
        election.Add(new RefusedKey(
            $"{election.Path}.mode",
            "not a setting: the mode is peersync.sync.mode (leader or leaderless), which also decides whether the cluster elects a leader; set that instead"));
        election.Scalar("lease", Duration, o => o.Cluster.Election.Lease, (o, v) => o.Cluster.Election.Lease = v);
        election.Scalar("lease-margin", Duration, o => o.Cluster.Election.LeaseMargin, (o, v) => o.Cluster.Election.LeaseMargin = v);
        election.Scalar("vote-timeout", Duration, o => o.Cluster.Election.VoteTimeout, (o, v) => o.Cluster.Election.VoteTimeout = v);
        election.Scalar("role", Text, o => o.Cluster.Election.Role ?? "", (o, v) => o.Cluster.Election.Role = NullIfEmpty(v));

        var join = s.Section("join");
        join.Scalar("seed-node-timeout", Duration, o => o.Cluster.Join.SeedNodeTimeout, (o, v) => o.Cluster.Join.SeedNodeTimeout = v);
        join.Scalar("retry-interval", Duration, o => o.Cluster.Join.RetryInterval, (o, v) => o.Cluster.Join.RetryInterval = v);
    }

    private static void AddSync(SchemaSection s)
    {
        s.Scalar("mode", Text, o => o.Sync.Mode, (o, v) => o.Sync.Mode = v);
        s.Scalar("batch-window", Duration, o => o.Sync.BatchWindow, (o, v) => o.Sync.BatchWindow = v);
        s.Scalar("max-batch", Int, o => o.Sync.MaxBatch, (o, v) => o.Sync.MaxBatch = v);
        s.Scalar("max-clock-skew", Duration, o => o.Sync.MaxClockSkew, (o, v) => o.Sync.MaxClockSkew = v);
        s.Scalar("default-kind", Text, o => o.Sync.DefaultKind, (o, v) => o.Sync.DefaultKind = v);
        s.Add(new CollectionsSetting($"{s.Path}.collections"));
        s.Scalar("send-timeout", Duration, o => o.Sync.SendTimeout, (o, v) => o.Sync.SendTimeout = v);
        s.Scalar("retry-backoff-min", Duration, o => o.Sync.RetryBackoffMin, (o, v) => o.Sync.RetryBackoffMin = v);
        s.Scalar("retry-backoff-max", Duration, o => o.Sync.RetryBackoffMax, (o, v) => o.Sync.RetryBackoffMax = v);
        s.Scalar("max-retries", Int, o => o.Sync.MaxRetries, (o, v) => o.Sync.MaxRetries = v);
        s.Scalar("max-in-flight-batches", Int, o => o.Sync.MaxInFlightBatches, (o, v) => o.Sync.MaxInFlightBatches = v);
        s.Scalar("forward-delay", Duration, o => o.Sync.ForwardDelay, (o, v) => o.Sync.ForwardDelay = v);
        s.Scalar("seal-interval", Duration, o => o.Sync.SealInterval, (o, v) => o.Sync.SealInterval = v);
        s.Scalar("watermark-report-interval", Duration, o => o.Sync.WatermarkReportInterval, (o, v) => o.Sync.WatermarkReportInterval = v);
        s.Scalar("retired-origin-retention", Duration, o => o.Sync.RetiredOriginRetention, (o, v) => o.Sync.RetiredOriginRetention = v);
        s.Scalar("retire-after-removal", Duration, o => o.Sync.RetireAfterRemoval, (o, v) => o.Sync.RetireAfterRemoval = v);
        s.Scalar("max-pending-writes", Int, o => o.Sync.MaxPendingWrites, (o, v) => o.Sync.MaxPendingWrites = v);
        s.Scalar("shutdown-flush-timeout", Duration, o => o.Sync.ShutdownFlushTimeout, (o, v) => o.Sync.ShutdownFlushTimeout = v);

        var backfill = s.Section("backfill");
        backfill.Scalar("page-size", Int, o => o.Sync.BackfillPageSize, (o, v) => o.Sync.BackfillPageSize = v);
        backfill.Scalar("buffer-size", Int, o => o.Sync.BackfillBufferSize, (o, v) => o.Sync.BackfillBufferSize = v);
        backfill.Scalar("page-timeout", Duration, o => o.Sync.BackfillPageTimeout, (o, v) => o.Sync.BackfillPageTimeout = v);
        backfill.Scalar("max-page-retries", Int, o => o.Sync.BackfillMaxPageRetries, (o, v) => o.Sync.BackfillMaxPageRetries = v);

        var catchUp = s.Section("catch-up");
        catchUp.Scalar("settle", Duration, o => o.Sync.CatchUpSettle, (o, v) => o.Sync.CatchUpSettle = v);
        catchUp.Scalar("timeout", Duration, o => o.Sync.CatchUpTimeout, (o, v) => o.Sync.CatchUpTimeout = v);

        var antiEntropy = s.Section("anti-entropy");
        antiEntropy.Scalar("interval", Duration, o => o.Sync.AntiEntropyInterval, (o, v) => o.Sync.AntiEntropyInterval = v);
        antiEntropy.Scalar("max-buckets", Int, o => o.Sync.AntiEntropyMaxBuckets, (o, v) => o.Sync.AntiEntropyMaxBuckets = v);
        antiEntropy.Scalar("max-keys", Int, o => o.Sync.AntiEntropyMaxKeys, (o, v) => o.Sync.AntiEntropyMaxKeys = v);
        antiEntropy.Scalar("round-timeout", Duration, o => o.Sync.AntiEntropyRoundTimeout, (o, v) => o.Sync.AntiEntropyRoundTimeout = v);
    }

    private static void AddPersistence(SchemaSection s)
    {
        s.Scalar("provider", Text, o => o.Persistence.Provider, (o, v) => o.Persistence.Provider = v);
        s.Scalar("connection-string", Text, o => o.Persistence.ConnectionString, (o, v) => o.Persistence.ConnectionString = v, SecretKind.ConnectionString);

        var sqlite = s.Section("sqlite");
        sqlite.Scalar("synchronous", Synchronous, o => o.Persistence.SqliteSynchronous, (o, v) => o.Persistence.SqliteSynchronous = v);
        sqlite.Scalar("busy-timeout", Duration, o => o.Persistence.SqliteBusyTimeout, (o, v) => o.Persistence.SqliteBusyTimeout = v);
        sqlite.Scalar("records-file-name", Text, o => o.Persistence.SqliteRecordsFileName, (o, v) => o.Persistence.SqliteRecordsFileName = v);

        var postgres = s.Section("postgres");
        postgres.Scalar("schema", Text, o => o.Persistence.PostgresSchema, (o, v) => o.Persistence.PostgresSchema = v);
        postgres.Scalar("records-schema", Text, o => o.Persistence.PostgresRecordsSchema, (o, v) => o.Persistence.PostgresRecordsSchema = v);

        var journal = s.Section("journal");
        journal.Scalar("max-batch-events", Int, o => o.Persistence.JournalMaxBatchEvents, (o, v) => o.Persistence.JournalMaxBatchEvents = v);
        journal.Scalar("max-pending-writes", Int, o => o.Persistence.JournalMaxPendingWrites, (o, v) => o.Persistence.JournalMaxPendingWrites = v);
    }

    private static void AddHttp(SchemaSection s)
    {
        s.Scalar("hostname", Text, o => o.Http.Hostname, (o, v) => o.Http.Hostname = v);
        s.Scalar("port", Int, o => o.Http.Port, (o, v) => o.Http.Port = v);
        s.Scalar("token", Text, o => o.Http.Token, (o, v) => o.Http.Token = v, SecretKind.Whole);
        s.Scalar("max-body-size", Size, o => o.Http.MaxBodySizeBytes, (o, v) => o.Http.MaxBodySizeBytes = v);
        s.Scalar("request-timeout", Duration, o => o.Http.RequestTimeout, (o, v) => o.Http.RequestTimeout = v);
        var rate = s.Section("rate-limit");
        rate.Scalar("requests-per-second", Int, o => o.Http.RateLimit.RequestsPerSecond, (o, v) => o.Http.RateLimit.RequestsPerSecond = v);
        rate.Scalar("burst", Int, o => o.Http.RateLimit.Burst, (o, v) => o.Http.RateLimit.Burst = v);
    }

    private static void AddLogging(SchemaSection s)
    {
        var console = s.Section("console");
        console.Scalar("level", Level, o => o.Logging.Console.Level, (o, v) => o.Logging.Console.Level = v);
        console.Scalar("format", ConsoleFormat, o => o.Logging.Console.Format, (o, v) => o.Logging.Console.Format = v);

        var file = s.Section("file");
        file.Scalar("path", Text, o => o.Logging.File.Path, (o, v) => o.Logging.File.Path = v);
        file.Scalar("level", Level, o => o.Logging.File.Level, (o, v) => o.Logging.File.Level = v);
        file.Scalar("max-size", Size, o => o.Logging.File.MaxSizeBytes, (o, v) => o.Logging.File.MaxSizeBytes = v);
        file.Scalar("retained-files", Int, o => o.Logging.File.RetainedFiles, (o, v) => o.Logging.File.RetainedFiles = v);

        var recent = s.Section("recent");
        recent.Scalar("capacity", Int, o => o.Logging.Recent.Capacity, (o, v) => o.Logging.Recent.Capacity = v);
        recent.Scalar("level", Level, o => o.Logging.Recent.Level, (o, v) => o.Logging.Recent.Level = v);

        s.Add(new LogOverridesSetting($"{s.Path}.overrides"));
    }

    /// <summary>Empty text means "not set" for the settings whose property is null when unset.</summary>
    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
