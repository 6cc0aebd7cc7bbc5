using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.AntiEntropy;

/// <summary>
/// Schedules and drives digest comparisons (pure): a round with a peer when it becomes available,
/// and every <see cref="AntiEntropyConfig.IntervalMs"/> with the next peer in turn. One round at a
/// time; a round is digests → entries of differing buckets → pull and repair, each step bounded,
/// abandoned after <see cref="AntiEntropyConfig.RoundTimeoutMs"/>. Repairs are counted in notices.
/// See docs/design/anti-entropy.md.
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

    public AntiEntropyMachine(AntiEntropyConfig config, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _nextPeriodicMs = nowMs + config.IntervalMs;
    }

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
                // The answer of an abandoned or superseded round.
                break;
            default:
                throw new ArgumentException($"unknown anti-entropy input {input.GetType().Name}", nameof(input));
        }

        StartDue(nowMs);
    }

    private bool Current(long roundId, Stage stage) => _round is { } r && roundId == _roundId && r.Stage == stage;

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
