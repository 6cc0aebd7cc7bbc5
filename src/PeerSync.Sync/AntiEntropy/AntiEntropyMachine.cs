using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.AntiEntropy;

/// <summary>
/// Schedules and drives digest comparisons (pure): a round with a peer when it becomes available,
/// and every <see cref="AntiEntropyConfig.IntervalMs"/> with the next peer in turn. One round at a
/// time; a round is digests → entries of differing buckets → pull and repair, each step bounded,
/// abandoned after <see cref="AntiEntropyConfig.RoundTimeoutMs"/>. Repairs are counted in notices.
/// An answer is matched to its round by id alone (a peer's answer carries nothing else), so round ids
/// never repeat in a process: a machine made anew (the host restarted) numbers its rounds on from the
/// last id its predecessor issued. See docs/design/anti-entropy.md.
/// </summary>
public sealed class AntiEntropyMachine
{
    private enum Stage
    {
        Digests,
        Entries,
        Repair,
    }

    private readonly AntiEntropyConfig _config;
    private readonly List<AntiEntropyCommand> _commands = [];
    private readonly List<AntiEntropyNotice> _notices = [];
    private readonly SortedSet<NodeId> _peers = [];
    private readonly Queue<NodeId> _due = new();
    private long _nextPeriodicMs;
    private long _roundId;
    private (NodeId Peer, Stage Stage, long DeadlineMs, int Buckets)? _round;
    private NodeId? _lastPeriodic;

    /// <param name="config">Interval, timeout and budgets.</param>
    /// <param name="nowMs">The host's clock now.</param>
    /// <param name="lastRoundId">
    /// The last round id issued before this machine (0 for none; this machine's first round is the next).
    /// A host that makes the machine anew while answers to the old one's rounds may still arrive (a
    /// coordinator restart in the same process) passes the old one's <see cref="LastRoundId"/>, so that
    /// no such answer is taken for a new round with the same id.
    /// </param>
    public AntiEntropyMachine(AntiEntropyConfig config, long nowMs, long lastRoundId = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(lastRoundId);
        _config = config;
        _nextPeriodicMs = nowMs + config.IntervalMs;
        _roundId = lastRoundId;
    }

    /// <summary>The id of the last round this machine started (or the one it was made with): the next round's is one more.</summary>
    public long LastRoundId => _roundId;

    /// <summary>Total records repaired (pulled or deleted) since start, for the metric.</summary>
    public long RepairedTotal { get; private set; }

    public bool InRound => _round is not null;

    public bool HasReady => _commands.Count > 0 || _notices.Count > 0;

    public long? NextDeadlineMs => _round is { } r ? r.DeadlineMs : _nextPeriodicMs;

    public AntiEntropyReady TakeReady()
    {
        if (!HasReady)
        {
            return AntiEntropyReady.Empty;
        }

        var ready = new AntiEntropyReady([.. _commands], [.. _notices]);
        _commands.Clear();
        _notices.Clear();
        return ready;
    }

    public void Step(AntiEntropyInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (input)
        {
            case AntiEntropyPeerAvailable a:
                if (_peers.Add(a.Peer) && !_due.Contains(a.Peer))
                {
                    _due.Enqueue(a.Peer);
                }

                break;
            case AntiEntropyPeerUnavailable u:
                _peers.Remove(u.Peer);
                if (_round?.Peer == u.Peer)
                {
                    Abandon("the peer became unavailable");
                }

                break;
            case DigestsReceived d when Current(d.RoundId, Stage.Digests):
                OnDigests(d, nowMs);
                break;
            case EntriesReceived e when Current(e.RoundId, Stage.Entries):
                OnEntries(e, nowMs);
                break;
            case RepairApplied r when Current(r.RoundId, Stage.Repair):
                RepairedTotal += r.RecordsChanged + r.RecordsDeleted;
                _notices.Add(new AntiEntropyRoundCompleted(_round!.Value.Peer, _round.Value.Buckets, r.RecordsChanged, r.RecordsDeleted));
                _round = null;
                break;
            case AntiEntropyTick:
                if (_round is { } round && nowMs >= round.DeadlineMs)
                {
                    Abandon($"no answer within {_config.RoundTimeoutMs} ms");
                }

                if (nowMs >= _nextPeriodicMs)
                {
                    _nextPeriodicMs = nowMs + _config.IntervalMs;
                    if (NextPeriodicPeer() is { } peer && !_due.Contains(peer))
                    {
                        _due.Enqueue(peer);
                    }
                }

                break;
            case DigestsReceived or EntriesReceived or RepairApplied:
                // The answer of an abandoned or superseded round, or of a machine before this one.
                _notices.Add(new AntiEntropyAnswerIgnored(input.GetType().Name, RoundOf(input), _round is not null ? _roundId : null));
                break;
            default:
                throw new ArgumentException($"unknown anti-entropy input {input.GetType().Name}", nameof(input));
        }

        StartDue(nowMs);
    }

    private bool Current(long roundId, Stage stage) => _round is { } r && roundId == _roundId && r.Stage == stage;

    private static long RoundOf(AntiEntropyInput input) => input switch
    {
        DigestsReceived d => d.RoundId,
        EntriesReceived e => e.RoundId,
        RepairApplied r => r.RoundId,
        _ => throw new ArgumentException($"{input.GetType().Name} belongs to no round", nameof(input)),
    };

    private NodeId? NextPeriodicPeer()
    {
        if (_peers.Count == 0)
        {
            return null;
        }

        var next = _lastPeriodic is { } last ? _peers.FirstOrDefault(p => p > last) : _peers.Min;
        _lastPeriodic = next == default ? _peers.Min : next;
        return _lastPeriodic;
    }

    private void StartDue(long nowMs)
    {
        while (_round is null && _due.Count > 0)
        {
            var peer = _due.Dequeue();
            if (!_peers.Contains(peer))
            {
                continue;
            }

            _roundId++;
            _round = (peer, Stage.Digests, nowMs + _config.RoundTimeoutMs, 0);
            _commands.Add(new ExchangeDigests(peer, _roundId));
        }
    }

    private void OnDigests(DigestsReceived d, long nowMs)
    {
        var differing = RepairPlanner.DifferingBuckets(d.Local, d.Remote, _config.MaxBucketsPerRound);
        var peer = _round!.Value.Peer;
        if (differing.Count == 0)
        {
            _notices.Add(new AntiEntropyRoundCompleted(peer, 0, 0, 0));
            _round = null;
            return;
        }

        _round = (peer, Stage.Entries, nowMs + _config.RoundTimeoutMs, differing.Sum(x => x.Buckets.Count));
        _commands.Add(new FetchBucketEntries(peer, _roundId, differing));
    }

    private void OnEntries(EntriesReceived e, long nowMs)
    {
        var peer = _round!.Value.Peer;
        var remote = e.Remote.ToDictionary(x => x.Collection);
        var repairs = new List<CollectionRepair>();
        var budget = _config.MaxKeysPerRound;
        foreach (var local in e.Local.OrderBy(x => x.Collection))
        {
            if (budget <= 0 || !remote.TryGetValue(local.Collection, out var theirs))
            {
                continue;
            }

            var repair = RepairPlanner.Plan(local, theirs, budget);
            budget -= repair.Pull.Count + repair.Deletions.Count;
            if (!repair.IsEmpty)
            {
                repairs.Add(repair);
            }
        }

        if (repairs.Count == 0)
        {
            _notices.Add(new AntiEntropyRoundCompleted(peer, _round.Value.Buckets, 0, 0));
            _round = null;
            return;
        }

        _round = (peer, Stage.Repair, nowMs + _config.RoundTimeoutMs, _round.Value.Buckets);
        _commands.Add(new PullAndRepair(peer, _roundId, repairs));
    }

    private void Abandon(string reason)
    {
        _notices.Add(new AntiEntropyRoundAbandoned(_round!.Value.Peer, reason));
        _round = null;
    }
}
