namespace PeerSync.Sync.Configuration;

/// <summary>
/// The `peersync.sync` section. Every property documents its default and why; <see cref="Validate"/>
/// names the offending key. <see cref="ToConfig"/> turns valid options into the immutable
/// <see cref="SyncConfig"/> that the machines receive.
/// </summary>
public sealed class SyncOptions
{
    public const string Section = "peersync.sync";

    /// <summary>`mode`: `leader` (default; enables sequenced collections) or `leaderless`.</summary>
    public string Mode { get; set; } = "leader";

    /// <summary>`batch-window`, default 100 ms: outbound changes gather this long before a send,
    /// trading at most this much latency for far fewer messages under load.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>`max-batch`, default 500 changes: a batch is sent early when it holds this many,
    /// and no send (live or catch-up) carries more. Keeps a frame well under 4 MiB for values of a few KiB.</summary>
    public int MaxBatch { get; set; } = 500;

    /// <summary>`max-clock-skew`, default 60 s: a remote HLC further ahead of the local clock is
    /// rejected (and counted). Wide enough for unsynchronised laptops; a 5 s skew syncs.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>`default-kind`, default `shared`: the kind of collections not listed in `collections`.</summary>
    public string DefaultKind { get; set; } = "shared";

    /// <summary>`collections.&lt;name&gt;.kind`: `owned`, `shared` or `sequenced` (leader mode only).</summary>
    public Dictionary<string, SyncCollectionOptions> Collections { get; } = new(StringComparer.Ordinal);

    /// <summary>`send-timeout`, default 5 s: a batch not acknowledged within it counts as lost and is
    /// retried from the acknowledged watermark.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>`retry-backoff-min`, default 200 ms: the first retry delay after a lost batch.</summary>
    public TimeSpan RetryBackoffMin { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>`retry-backoff-max`, default 30 s: the cap of the exponential retry delay (jittered).</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`max-retries`, default 10: consecutive failed sends before a peer is declared stalled
    /// (sending stops until the link is re-established).</summary>
    public int MaxRetries { get; set; } = 10;

    /// <summary>`max-in-flight-batches`, default 4: unacknowledged batches per peer; bounds memory
    /// and keeps a slow peer from taking the sender's capacity.</summary>
    public int MaxInFlightBatches { get; set; } = 4;

    /// <summary>`forward-delay`, default 2 s: how long a peer must lag on another origin's stream
    /// before this node forwards that stream (transitive delivery without duplicating every change).</summary>
    public TimeSpan ForwardDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>`seal-interval`, default 1 s: an idle node advances its stream position this often,
    /// so that tombstones can become stable and be pruned.</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>`watermark-report-interval`, default 500 ms: how often a node tells each peer its
    /// applied watermarks when they changed (drives forwarding and pruning decisions).</summary>
    public TimeSpan WatermarkReportInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>`backfill.page-size`, default 1000 records per snapshot page (one transaction each).</summary>
    public int BackfillPageSize { get; set; } = 1000;

    /// <summary>`backfill.buffer-size`, default 10 000 changes: live changes kept while a snapshot is
    /// taken; beyond it the buffer is dropped (counted) and the catch-up after the snapshot resends them.</summary>
    public int BackfillBufferSize { get; set; } = 10_000;

    /// <summary>`backfill.page-timeout`, default 10 s: a page request not answered within it is retried.</summary>
    public TimeSpan BackfillPageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>`backfill.max-page-retries`, default 3: failed page requests before another source is chosen.</summary>
    public int BackfillMaxPageRetries { get; set; } = 3;

    /// <summary>`catch-up.settle`, default 5 s: how long a starting node waits for peers' watermarks
    /// before it decides it is alone (and, if empty, the first node).</summary>
    public TimeSpan CatchUpSettle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>`catch-up.timeout`, default 5 min: a node still catching up after this reports ready
    /// anyway (with a warning notice) rather than stay unavailable forever behind a stuck peer.</summary>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>`anti-entropy.interval`, default 30 s: digest comparison with one peer (round robin).</summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`anti-entropy.max-buckets`, default 64 differing buckets examined per round.</summary>
    public int AntiEntropyMaxBuckets { get; set; } = 64;

    /// <summary>`anti-entropy.max-keys`, default 500 records repaired per round.</summary>
    public int AntiEntropyMaxKeys { get; set; } = 500;

    /// <summary>`anti-entropy.round-timeout`, default 30 s: an unanswered round is abandoned.</summary>
    public TimeSpan AntiEntropyRoundTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`retired-origin-retention`, default 24 h: how long a removed member's stream still
    /// holds back tombstone pruning, in case it returns with writes that never left it (like
    /// Cassandra's gc_grace). A member returning later with such writes may see them win over
    /// concurrent deletes whose tombstones are gone; shorter keeps fewer tombstones.</summary>
    public TimeSpan RetiredOriginRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>`retire-after-removal`, default 30 s: how long after a member's removal this node
    /// keeps that member's peer state (its queue, and pruning waiting for it). A restarted node is
    /// removed as its old incarnation just before it joins again; within this time it resumes
    /// incrementally instead of starting over.</summary>
    public TimeSpan RetireAfterRemoval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>`max-pending-writes`, default 10 000: local writes that may wait for the next commit;
    /// beyond it a write is refused at once (HTTP 503) until the queue drains (back-pressure).</summary>
    public int MaxPendingWrites { get; set; } = 10_000;

    /// <summary>`shutdown-flush-timeout`, default 5 s: a graceful stop waits at most this long for
    /// the peers to acknowledge this node's changes before the node leaves.</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The validation errors, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => SyncOptionsValidator.Validate(this);

    /// <summary>The validated config; throws <see cref="InvalidOperationException"/> listing every error.</summary>
    public SyncConfig ToConfig() => SyncOptionsValidator.ToConfig(this);
}

/// <summary>`peersync.sync.collections.&lt;name&gt;`.</summary>
public sealed class SyncCollectionOptions
{
    /// <summary>`kind`: `owned`, `shared` or `sequenced`.</summary>
    public string Kind { get; set; } = "shared";
}
