using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Backfill;

public sealed partial class BackfillMachine
{
    private void Evaluate(long nowMs)
    {
        switch (Phase)
        {
            case BackfillPhase.Uninitialized:
                if (_observed.Values.Any(HasData))
                {
                    StartBackfill("this node has no data and a peer has", nowMs);
                }
                else if (nowMs >= _phaseSinceMs + _config.SettleMs)
                {
                    ChangePhase(BackfillPhase.Ready, "no reachable peer has data: this node starts the data set", nowMs);
                }

                break;
            case BackfillPhase.Backfilling:
                if (_source is null && !_completing)
                {
                    ChooseSource(nowMs);
                }

                break;
            case BackfillPhase.CatchingUp:
                // Hear from every reachable peer (or wait out the settle time) before deciding
                // that none of them can serve this node incrementally.
                if (Settled(nowMs) && BehindPeerLogs() is { } reason)
                {
                    StartBackfill(reason, nowMs);
                }
                else if (CaughtUp(nowMs, out var behind))
                {
                    ChangePhase(BackfillPhase.Ready, "caught up with every reachable peer", nowMs);
                }
                else if (nowMs >= _phaseSinceMs + _config.CatchUpTimeoutMs)
                {
                    _notices.Add(new CatchUpTimedOut(behind));
                    ChangePhase(BackfillPhase.Ready, $"catch-up did not finish within {_config.CatchUpTimeoutMs} ms", nowMs);
                }

                break;
            case BackfillPhase.Ready:
                if (BehindPeerLogs() is { } behindReason)
                {
                    StartBackfill(behindReason, nowMs);
                }

                break;
        }
    }

    private static bool HasData(PeerWatermarksObserved o) => !o.Backfilling && o.Applied.Count > 0;

    /// <summary>
    /// Behind what the peers' logs still hold: some peer is ahead on an origin and no peer can serve
    /// that origin from this node's watermark (every one that is ahead has pruned past it).
    /// </summary>
    private string? BehindPeerLogs()
    {
        var origins = _observed.Values.Where(o => !o.Backfilling).SelectMany(o => o.Applied.Origins).Distinct();
        foreach (var origin in origins)
        {
            if (origin == _self)
            {
                continue;
            }

            var mine = _applied[origin];
            var ahead = _observed.Values.Where(o => !o.Backfilling && o.Applied[origin] > mine).ToList();
            if (ahead.Count > 0 && ahead.All(o => o.Floors[origin] > mine))
            {
                return $"behind the logs of the peers for origin {origin} (have {mine}, they keep from {ahead.Min(o => o.Floors[origin])})";
            }
        }

        return null;
    }

    private bool CaughtUp(long nowMs, out IReadOnlyList<NodeId> behind)
    {
        behind = [.. _targets.Where(t => !Covers(t.Value)).Select(t => t.Key).OrderBy(p => p)];
        return Settled(nowMs) && behind.Count == 0;
    }

    /// <summary>Every reachable peer has reported (backfilling ones aside), or the settle time passed.</summary>
    private bool Settled(long nowMs) =>
        nowMs >= _phaseSinceMs + _config.SettleMs
        || !_available.Any(p => !_targets.ContainsKey(p) && !(_observed.TryGetValue(p, out var o) && o.Backfilling));

    private bool Covers(Watermarks target) =>
        target.All(e => e.Key == _self || _applied[e.Key] >= e.Value);

    private void StartBackfill(string reason, long nowMs)
    {
        ChangePhase(BackfillPhase.Backfilling, reason, nowMs);
        _cursor = null;
        _coverage = null;
        _pages = 0;
        _source = null;
        _resumeSource = null;
        _failedSources.Clear();
        _commands.Add(new ClearCheckpoint());
        _commands.Add(new ResyncPeers(Backfilling: true));
        ChooseSource(nowMs);
    }

    /// <summary>The leader when it is a candidate, else the most up-to-date reachable peer.</summary>
    private void ChooseSource(long nowMs)
    {
        var candidates = _observed.Values
            .Where(o => HasData(o) && _available.Contains(o.Peer) && !_failedSources.Contains(o.Peer))
            .ToList();
        if (candidates.Count == 0 && _failedSources.Count > 0)
        {
            // Every source failed once: try them all again rather than stall.
            _failedSources.Clear();
            candidates = [.. _observed.Values.Where(o => HasData(o) && _available.Contains(o.Peer))];
        }

        if (candidates.Count == 0)
        {
            return;
        }

        PeerWatermarksObserved chosen;
        string why;
        if (_resumeSource is { } resume && candidates.FirstOrDefault(c => c.Peer == resume) is { } r)
        {
            chosen = r;
            why = "the source of the interrupted snapshot";
        }
        else if (_leader is { } leader && candidates.FirstOrDefault(c => c.Peer == leader) is { } l)
        {
            chosen = l;
            why = "the leader";
        }
        else
        {
            var origins = candidates.SelectMany(c => c.Applied.Origins).Distinct().ToList();
            chosen = candidates
                .OrderByDescending(c => origins.Count(o => c.Applied[o] == candidates.Max(x => x.Applied[o])))
                .ThenByDescending(c => c.Applied.Sum(e => e.Value.PhysicalMs))
                .ThenBy(c => c.Peer)
                .First();
            why = "the most up-to-date reachable peer";
        }

        _source = chosen.Peer;
        _resumeSource = null;
        _notices.Add(new BackfillSourceChosen(chosen.Peer, why));
        RequestNext(nowMs);
    }

    private void RequestNext(long nowMs)
    {
        _requestId++;
        _awaitingPage = true;
        _requestDeadlineMs = nowMs + _config.PageTimeoutMs;
        _pendingPage = null;
        _commands.Add(new RequestPage(_source!.Value, _requestId, _cursor, _config.PageSize));
    }

    private void OnPageArrived(PageArrived p)
    {
        // A page of an earlier request (before a restart or a source change) is stale: ignored.
        if (Phase != BackfillPhase.Backfilling || p.RequestId != _requestId || p.Source != _source || _pendingPage is not null || p.Page.After != _cursor)
        {
            return;
        }

        _awaitingPage = false;
        _pendingPage = p.Page;
        _pendingCoverage = _coverage is null ? p.Page.Applied : _coverage.Min(p.Page.Applied);
        var checkpoint = new BackfillCheckpoint(p.Source, p.Page.Last, _pendingCoverage, _pages + 1);
        _commands.Add(new ApplyPage(p.RequestId, p.Page, checkpoint));
    }

    private void OnPageApplied(PageApplied p, long nowMs)
    {
        if (_pendingPage is null || p.RequestId != _requestId)
        {
            return;
        }

        _cursor = _pendingPage.Last;
        _coverage = _pendingCoverage;
        _pages++;
        _attempts = 0;
        var last = _pendingPage.IsLast;
        _pendingPage = null;
        if (last)
        {
            _completing = true;
            _commands.Add(new CompleteSnapshot(_coverage ?? Watermarks.Empty));
        }
        else if (_source is not null)
        {
            RequestNext(nowMs);
        }
    }

    private void OnSnapshotCompleted(SnapshotCompleted s, long nowMs)
    {
        if (!_completing)
        {
            return;
        }

        _completing = false;
        _applied = _applied.Max(s.Applied);
        if (_buffer.Count > 0 && !_overflowed)
        {
            _commands.Add(new ApplyBuffered([.. _buffer]));
        }

        _buffer.Clear();
        _bufferedChanges = 0;
        _overflowed = false;
        _source = null;
        _awaitingPage = false;
        ChangePhase(BackfillPhase.CatchingUp, $"snapshot complete after {_pages} page(s)", nowMs);
        _commands.Add(new ResyncPeers(Backfilling: false));
    }

    private void OnTick(long nowMs)
    {
        if (Phase != BackfillPhase.Backfilling || _source is null || !_awaitingPage || nowMs < _requestDeadlineMs)
        {
            return;
        }

        _attempts++;
        if (_attempts > _config.MaxPageRetries)
        {
            _failedSources.Add(_source.Value);
            _source = null;
            _attempts = 0;
            ChooseSource(nowMs);
            return;
        }

        _notices.Add(new BackfillPageRetried(_source.Value, _attempts));
        RequestNext(nowMs);
    }
}
