using System.Collections.Immutable;
using PeerSync.Cluster.Downing;
using PeerSync.Cluster.Election;
using PeerSync.Cluster.FailureDetection;
using PeerSync.Cluster.Membership;
using PeerSync.Remote.Addressing;

namespace PeerSync.Cluster;

/// <summary>
/// The whole cluster core of one node as a pure machine: join, gossip, heartbeats and failure
/// detection, reachability, downing and election (docs/design/membership.md and its siblings).
/// The host feeds inputs with the current time through <see cref="Step"/>, carries out what
/// <see cref="TakeReady"/> returns (singleton commands, sends, events, notices, stop), calls
/// <see cref="Advance"/>, and ticks again at <see cref="NextWakeMs"/>. No clock, I/O, threads,
/// logging or shared randomness inside.
/// </summary>
public sealed partial class ClusterMachine
{
    private readonly ClusterConfig _config;
    private readonly ClusterSelf _self;
    private readonly DeterministicRandom _random;
    private readonly FailureDetectorRegistry _detectors;
    private readonly StabilityTracker _stability = new();
    private readonly ElectionMachine? _election;
    private readonly RemovalHold _removalHold;

    private Gossip _gossip = Gossip.Empty;
    private MembershipView _view;
    private ClusterStateSnapshot _published;
    private long? _lastStepMs;
    private long _readySequence;
    private long? _outstandingReady;

    public ClusterMachine(ClusterConfig config, ClusterSelf self, ulong seed)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _self = self ?? throw new ArgumentNullException(nameof(self));
        _random = new DeterministicRandom(seed);
        _detectors = new FailureDetectorRegistry(PhiSettings.From(config));
        _view = new MembershipView(_gossip, config.LeaderRole);
        _published = ClusterStateSnapshot.Empty(self.Node);
        _effects = new EffectSink(this);
        _removalHold = new RemovalHold(config.VoterWaitMs);
        if (config.ElectionMode == ElectionMode.Leader)
        {
            _election = new ElectionMachine(config, self.Node, _random, _effects);
        }
    }

    public ClusterPhase Phase { get; private set; } = ClusterPhase.Idle;

    public UniqueNode Self => _self.Node;

    public Gossip Gossip => _gossip;

    public MembershipView View => _view;

    /// <summary>The election core (null in leaderless mode), exposed read-only for hosts' diagnostics and tests.</summary>
    public ElectionMachine? Election => _election;

    /// <summary>The state a new subscriber receives first; consistent with the events taken so far.</summary>
    public ClusterStateSnapshot CurrentState => _published;

    /// <summary>The reason the cluster part stopped, once <see cref="Phase"/> is Stopped.</summary>
    public string? StopReason { get; private set; }

    public bool HasReady => _out.HasAny;

    /// <summary>The host must call <see cref="Step"/> with a Tick at or after this time (local ms).</summary>
    public long NextWakeMs { get; private set; } = long.MaxValue;

    public void Step(ClusterInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_lastStepMs is { } last && nowMs < last)
        {
            throw new ArgumentOutOfRangeException(nameof(nowMs), nowMs, $"time went backwards from {last} ms to {nowMs} ms; the host must pass a monotonic clock");
        }

        if (Phase == ClusterPhase.Stopped)
        {
            return;
        }

        DetectSelfPause(nowMs);
        _lastStepMs = nowMs;
        switch (input)
        {
            case ClusterInput.Tick:
                break;
            case ClusterInput.JoinSeedNodes:
                StartJoin(nowMs);
                break;
            case ClusterInput.MessageReceived received:
                Receive(received.Envelope, nowMs);
                break;
            case ClusterInput.Leave leave:
                LeaveCommand(leave.Node, nowMs);
                break;
            case ClusterInput.Down down:
                DownCommand(down.Node, nowMs);
                break;
            case ClusterInput.SingletonStopped:
                _election?.OnSingletonStopped(nowMs);
                break;
            default:
                throw new ArgumentException($"unknown cluster input {input.GetType().Name}", nameof(input));
        }

        AfterStep(nowMs);
    }

    public ClusterReady TakeReady()
    {
        if (_outstandingReady is { } outstanding)
        {
            throw new InvalidOperationException($"ready {outstanding} was taken but not advanced; call Advance before taking the next one");
        }

        var ready = _out.Drain(++_readySequence);
        _outstandingReady = ready.Sequence;
        return ready;
    }

    public void Advance(in ClusterReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (_outstandingReady != ready.Sequence)
        {
            throw new InvalidOperationException($"Advance got ready {ready.Sequence} but the outstanding one is {_outstandingReady?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        _outstandingReady = null;
    }

    private void DetectSelfPause(long nowMs)
    {
        // This node itself did not run (GC, SIGSTOP, an overloaded machine) when the host steps it
        // more than the guard after the wake-up it asked for.
        if (NextWakeMs == long.MaxValue || _lastStepMs is not { } last || nowMs - NextWakeMs <= _config.SelfPauseGuardMs)
        {
            return;
        }

        if (Phase == ClusterPhase.Probing)
        {
            // A first seed that was paused must not form a cluster on waking: the answers of the
            // other seeds may be queued right behind this step. Probe afresh instead.
            _formDeadlineMs = nowMs + _config.SeedNodeTimeoutMs;
            Probe(nowMs, first: false);
        }
        else if (Phase == ClusterPhase.Member)
        {
            // The silence it would measure is its own: re-arm every detector and the stability
            // clock instead of accusing the whole cluster; the queued messages are about to arrive.
            _detectors.RearmAll(nowMs, _gossip.Reachability.RowOf(_self.Node).Unreachable);
            _stability.Restart(nowMs);
            _watchingSinceMs = nowMs;
            _out.Notice(ClusterNotice.Warning("Node {NodeId} did not run for {Elapsed} ms; failure detection re-armed", _self.Node, nowMs - last));
        }
    }

    private void AfterStep(long nowMs)
    {
        // Events are published after every change, not once per step, so a member that is downed
        // and removed within one step still yields MemberDowned before MemberRemoved.
        Publish(nowMs);
        if (Phase == ClusterPhase.Member)
        {
            MemberDuties(nowMs);
        }
        else if (Phase is ClusterPhase.Probing or ClusterPhase.Joining)
        {
            JoinDuties(nowMs);
            if (Phase == ClusterPhase.Member)
            {
                // Formed a cluster on a deadline: promote itself now, not at the next message
                // (an isolated first seed may get none).
                MemberDuties(nowMs);
            }
        }

        FlushPush();
        Publish(nowMs);
        NextWakeMs = ComputeNextWake(nowMs);
    }

    private void MemberDuties(long nowMs)
    {
        // Each duty may change the gossip, which may enable the next; a few rounds reach a fixed
        // point (bounded: each round either changes nothing or moves a status upwards).
        for (var round = 0; round < 8 && Phase == ClusterPhase.Member; round++)
        {
            var before = _gossip;
            SyncMonitoring(nowMs);
            UpdateOwnReachability(nowMs);
            Publish(nowMs);
            DowningDuties(nowMs);
            Publish(nowMs);
            CoordinatorActions(nowMs);
            Publish(nowMs);
            if (Phase != ClusterPhase.Member)
            {
                return;
            }

            _election?.Evaluate(nowMs, ElectionContextNow);
            if (CheckSelfStatus() || ReferenceEquals(before, _gossip))
            {
                break;
            }
        }

        if (Phase == ClusterPhase.Member)
        {
            HeartbeatDuties(nowMs);
            GossipDuties(nowMs);
        }
    }

    private ElectionContext ElectionContextNow => new(_view, _gossip.MemberOf(_self.Node));

    private void Publish(long nowMs)
    {
        var (leader, epoch) = _election is { } election && Phase == ClusterPhase.Member ? election.CurrentLeader(nowMs) : (null, Epoch.None);
        var members = _gossip.Members.Values.ToImmutableArray();
        var snapshot = new ClusterStateSnapshot(_self.Node, members, _view.Unreachable, leader, epoch);
        foreach (var e in ClusterStateSnapshot.Diff(_published, snapshot))
        {
            _out.Event(e);
        }

        _published = snapshot;
    }

    private long ComputeNextWake(long nowMs)
    {
        if (Phase == ClusterPhase.Stopped)
        {
            return long.MaxValue;
        }

        long next = long.MaxValue;
        void Consider(long? at)
        {
            if (at is { } t)
            {
                next = Math.Min(next, Math.Max(t, nowMs + 1));
            }
        }

        if (Phase is ClusterPhase.Probing or ClusterPhase.Joining)
        {
            Consider(_joinDeadlineMs);
            Consider(Phase == ClusterPhase.Probing ? _nextProbeMs : null);
            return next;
        }

        if (Phase == ClusterPhase.Member)
        {
            Consider(_nextHeartbeatMs);
            Consider(_nextGossipMs);
            Consider(_detectors.NextSuspectAtMs(nowMs));
            if (_decidedForSinceMs != _stability.SinceMs)
            {
                Consider(_stability.StableAtMs(_config.StableAfterMs));
            }

            Consider(_election?.NextWakeMs(nowMs));
            Consider(_exitingSinceMs + (2 * _config.StableAfterMs));
            Consider(_strandedSinceMs + (2 * _config.StableAfterMs));
        }

        return next;
    }
}
