namespace PeerSync.Cluster;

/// <summary>
/// The `peersync.cluster` section as bound from configuration. Every default is chosen to meet the
/// cluster's goals on a small LAN cluster (crash detected within 3 s, a new leader agreed within
/// 5 s of a leader crash, no false downing from a 1.5 s pause); the reason for each is given on the
/// property. <see cref="ToConfig"/> validates everything once and returns the immutable
/// <see cref="ClusterConfig"/> the machine receives.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>`peersync.cluster.name`. Nodes of different clusters refuse each other in the handshake.</summary>
    public string Name { get; set; } = "peersync";

    /// <summary>
    /// `peersync.cluster.seed-nodes`: host:port of the nodes a joining node contacts. Only the first
    /// seed may form a new cluster by itself, and only after no other seed answered within
    /// <see cref="JoinOptions.SeedNodeTimeout"/>. Every node should list the same seeds in the same order.
    /// </summary>
    public IList<string> SeedNodes { get; set; } = new List<string>();

    /// <summary>
    /// `peersync.cluster.heartbeat-interval`, default 500 ms: with the detector defaults a crash is
    /// suspected 0.5 + 1.5 + 5.2 x 0.1 = 2.5 s after the last heartbeat, inside the 3 s goal, while a
    /// heartbeat every 500 ms to each of up to 50 members is still only ~100 small messages a second.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// `peersync.cluster.gossip-interval`, default 500 ms: periodic anti-entropy to one random member.
    /// Changes are also pushed at once to every member, so this only repairs lost pushes.
    /// </summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public FailureDetectorOptions FailureDetector { get; set; } = new();

    public DowningOptions Downing { get; set; } = new();

    public ElectionOptions Election { get; set; } = new();

    public JoinOptions Join { get; set; } = new();

    /// <summary>Validates every key and returns the config, or throws <see cref="ClusterConfigException"/> listing every problem.</summary>
    public ClusterConfig ToConfig() => ClusterConfig.From(this);
}

/// <summary>`peersync.cluster.failure-detector`: the phi-accrual detector (docs/design/failure-detector.md).</summary>
public sealed class FailureDetectorOptions
{
    /// <summary>
    /// `threshold`, default 8.0: phi above which a member is suspected. 8 means the detector's model
    /// gives the heartbeat a 1e-8 chance of still arriving; lower values detect sooner but falsely
    /// suspect members on a jittery network.
    /// </summary>
    public double Threshold { get; set; } = 8.0;

    /// <summary>
    /// `acceptable-heartbeat-pause`, default 1.5 s: a silence this long beyond the usual interval is
    /// not held against a member. 1.5 s is the longest pause (GC, a loaded 2-core machine) the goals
    /// require us to ride out without an unreachable event, and leaves crash detection at ~2.5 s.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// `min-std-deviation`, default 100 ms: a floor on the interval deviation, so a perfectly
    /// regular network does not make the detector hair-triggered (z of 5.2 x 100 ms = 0.52 s slack).
    /// </summary>
    public TimeSpan MinStdDeviation { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>`max-sample-size`, default 200: intervals kept per member (100 s of history at 500 ms).</summary>
    public int MaxSampleSize { get; set; } = 200;

    /// <summary>
    /// `first-heartbeat-estimate`, default 500 ms (= the heartbeat interval): the interval assumed
    /// before any history exists, so a member that dies before its first heartbeat is still detected.
    /// </summary>
    public TimeSpan FirstHeartbeatEstimate { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>`peersync.cluster.downing` (docs/design/downing.md).</summary>
public sealed class DowningOptions
{
    /// <summary>`strategy`: keep-majority (default), keep-oldest, static-quorum or off (manual `down` only).</summary>
    public string Strategy { get; set; } = "keep-majority";

    /// <summary>
    /// `stable-after`, default 5 s: the unreachable set must stay unchanged this long before the
    /// strategy acts. Long enough for both sides of a partition to see the same picture (detection
    /// takes ~2.5 s), short enough that a dead member stops blocking membership changes quickly.
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>`static-quorum.size`: required (>= 1) with static-quorum; the cluster must not grow beyond 2 x size - 1.</summary>
    public int StaticQuorumSize { get; set; }

    /// <summary>`keep-oldest.down-if-alone`, default on: an oldest member cut off alone downs itself instead of the rest.</summary>
    public bool KeepOldestDownIfAlone { get; set; } = true;
}

/// <summary>`peersync.cluster.election` (docs/design/election.md).</summary>
public sealed class ElectionOptions
{
    /// <summary>`mode`: leader (default) elects a leader that runs the singleton; leaderless runs no election.</summary>
    public string Mode { get; set; } = "leader";

    /// <summary>
    /// `lease`, default 2.5 s: a leader acts only while a majority acknowledged one of its heartbeats
    /// within this time. It must outlast a 1.5 s leader pause plus one heartbeat interval, so a
    /// paused leader keeps its singleton; a crashed leader's successor waits lease + margin = 3 s.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>
    /// `lease-margin`, default 500 ms: voters wait lease + margin after the last leader contact
    /// before voting for someone else, covering clock-rate drift (up to 9% at the defaults) and timer lateness.
    /// </summary>
    public TimeSpan LeaseMargin { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>`vote-timeout`, default 300 ms: how long a candidate waits for votes before retrying.</summary>
    public TimeSpan VoteTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>`role`: when set, only members with this role can be leader. Empty: every member can.</summary>
    public string? Role { get; set; }
}

/// <summary>`peersync.cluster.join`.</summary>
public sealed class JoinOptions
{
    /// <summary>
    /// `seed-node-timeout`, default 3 s: how long the first seed waits for another seed to answer
    /// before it forms a new cluster by itself.
    /// </summary>
    public TimeSpan SeedNodeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>`retry-interval`, default 1 s: a joining node asks the seeds again this often until it is in.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}
