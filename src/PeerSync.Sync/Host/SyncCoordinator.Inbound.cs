using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Sync.Host;

internal sealed partial class SyncCoordinator
{
    /// <summary>A message from a peer whose session runs here (see docs/design/sync.md, "Host wiring").</summary>
    private async Task HandleAsync(PeerEntry from, SyncInbound message)
    {
        switch (message)
        {
            case InHello h when h.Session == from.Session:
                from.PeerBackfilling = h.Hello.Backfilling;
                StepPeer(from.Id, new HelloReceived(h.Session, h.Hello));
                StepBackfill(new PeerWatermarksObserved(from.Id, h.Hello.Applied, h.Hello.Floors, h.Hello.Backfilling), NowMs);
                if (!h.Hello.Backfilling && _backfill.IsReady && _settings.AntiEntropy)
                {
                    _antiEntropy.Step(new AntiEntropyPeerAvailable(from.Id), NowMs);
                }

                break;
            case InBatch b when b.Session == from.Session:
                StepBackfill(new LiveBatchArrived(from.Id, b.BatchId, b.Range), NowMs);
                break;
            case InAck a when a.Session == from.Session:
                StepPeer(from.Id, new AckReceived(a.Session, a.Ack));
                break;
            case InReport r when r.Session == from.Session:
                StepPeer(from.Id, new WatermarksReported(r.Session, r.Applied, r.Floors));
                StepBackfill(new PeerWatermarksObserved(from.Id, r.Applied, r.Floors, from.PeerBackfilling), NowMs);
                break;
            case InHello or InBatch or InAck or InReport:
                // A message of another session with this peer (a reconnect crossed it): stale.
                break;
            case InPageRequest r:
                // A page of up to `limit` records for a backfilling peer: read beside the turn.
                var (peer, session, requestId) = (from.Id, from.Session, r.RequestId);
                ReadBeside(
                    "reading a snapshot page for a backfilling peer",
                    store => store.ReadSnapshotPageAsync(r.After, r.Limit),
                    page => new SnapshotPageRead(peer, session, requestId, page));
                break;
            case InPage p:
                StepBackfill(new PageArrived(from.Id, p.RequestId, p.Page), NowMs);
                break;
            case InDigestRequest d:
                AnswerBeside(from, "reading the bucket digests a peer asked for", async store =>
                    SyncWire.DigestResponse(d.RoundId, await store.ReadBucketDigestsAsync().ConfigureAwait(false)));
                break;
            case InDigestResponse d:
                CompareBeside(
                    "reading this node's bucket digests for an anti-entropy round",
                    store => store.ReadBucketDigestsAsync(),
                    local => new DigestsReceived(d.RoundId, local, d.Digests));
                break;
            case InEntriesRequest e:
                AnswerBeside(from, "reading the bucket entries a peer asked for", async store =>
                    SyncWire.EntriesResponse(e.RoundId, await ReadEntriesAsync(store, e.Selections).ConfigureAwait(false)));
                break;
            case InEntriesResponse e:
                CompareBeside(
                    "reading this node's bucket entries for an anti-entropy round",
                    store => ReadEntriesAsync(store, [.. e.Entries.Select(x => (x.Collection, x.Buckets))]),
                    local => new EntriesReceived(e.RoundId, local, e.Entries));
                break;
            case InRepairRequest r:
                AnswerBeside(from, "reading the records a peer asked for to repair", async store =>
                    SyncWire.RepairResponse(r.RoundId, await store.ReadVersionsAsync(r.Collection, r.Keys).ConfigureAwait(false)));
                break;
            case InRepairResponse r:
                await OnRepairResponseAsync(from.Id, r).ConfigureAwait(true);
                break;
        }
    }

    private async Task CarryOutAsync(BackfillCommand command)
    {
        switch (command)
        {
            case RequestPage r:
                SendTo(r.Source, SyncWire.PageRequest(r.RequestId, r.After, r.Limit));
                break;
            case ApplyPage a:
                var (admitted, rejected) = ClockAdmission.AdmitVersions(a.Page.Records, _clock, _time.PhysicalMs());
                if (rejected.Count > 0)
                {
                    // Not applied: the page timeout retries it once the clocks agree.
                    Rejected(rejected);
                    break;
                }

                var applied = await _store.ApplySnapshotPageAsync(a.Page with { Records = admitted }, a.Checkpoint).ConfigureAwait(true);
                _changesReceived += a.Page.Records.Count;
                Changed(applied.Changed);
                StepBackfill(new PageApplied(a.RequestId), NowMs);
                break;
            case CompleteSnapshot c:
                _applied = await _store.CompleteBackfillAsync(c.Coverage).ConfigureAwait(true);
                var progress = await _store.ReadProgressAsync().ConfigureAwait(true);
                _floors = progress.Floors;
                StepBackfill(new SnapshotCompleted(_applied), NowMs);
                ProgressChanged();
                break;
            case ApplyNow n:
                await ApplyInboundAsync(n.Peer, n.BatchId, n.Range, acknowledge: true).ConfigureAwait(true);
                break;
            case AcknowledgeBuffered b:
                if (_peers.TryGetValue(b.Peer, out var entry) && entry.SessionUp)
                {
                    StepPeer(b.Peer, new InboundBatchHandled(entry.Session, b.BatchId, AckStatus.Buffered, _applied));
                }

                break;
            case ApplyBuffered buffered:
                foreach (var batch in buffered.Batches)
                {
                    await ApplyInboundAsync(batch.Peer, batch.BatchId, batch.Range, acknowledge: false).ConfigureAwait(true);
                }

                break;
            case ResyncPeers r:
                var state = LocalState(r.Backfilling);
                foreach (var peer in PeersWithActors)
                {
                    StepPeer(peer.Id, new ResyncRequested(state));
                }

                break;
            case ClearCheckpoint:
                await _store.ClearBackfillCheckpointAsync().ConfigureAwait(true);
                break;
            default:
                throw new InvalidOperationException($"unexpected backfill command {command.GetType().Name}");
        }
    }

    /// <summary>Applies one received range through the clock check, acknowledges it (live path), and tells everyone the progress.</summary>
    private async Task ApplyInboundAsync(NodeId from, long batchId, ChangeRange range, bool acknowledge)
    {
        var admitted = ClockAdmission.Admit([range], _clock, _time.PhysicalMs());
        if (admitted.AnyRejected)
        {
            Rejected(admitted.Rejections);
        }

        var result = await _store.ApplyRemoteAsync(admitted.Ranges).ConfigureAwait(true);
        _changesReceived += range.Count;
        _applied = result.Applied;
        Changed(result.Changed);
        var status = admitted.AnyRejected ? AckStatus.ClockSkewRejected
            : result.Ranges[0].Status == RangeApplyStatus.Gap ? AckStatus.Gap
            : AckStatus.Applied;
        if (acknowledge && _peers.TryGetValue(from, out var entry) && entry.SessionUp)
        {
            StepPeer(from, new InboundBatchHandled(entry.Session, batchId, status, result.Applied));
        }

        ProgressChanged();
    }

    private void Changed(IReadOnlyList<AppliedChange> changed)
    {
        if (changed.Count > 0)
        {
            _metrics?.ChangesApplied(changed.Count);
            _shared.Advanced(changed[^1].Position);
        }
    }

    private void Rejected(IReadOnlyList<ClockRejection> rejections)
    {
        _clockRejections += rejections.Count;
        foreach (var rejection in rejections)
        {
            _metrics?.ClockSkewRejected(rejection);
        }

        var first = rejections[0];
        SyncHostLog.ClockSkewRejected(Log, _self.Id, first.Origin.ToString(), rejections.Count, rejections.Max(r => r.SkewMs), first.Reason);
    }

    private void OnBackfillNotice(BackfillNotice notice)
    {
        switch (notice)
        {
            case BackfillPhaseChanged p:
                SyncHostLog.BackfillPhase(Log, _self.Id, p.From.ToString(), p.To.ToString(), p.Reason);
                if (p.To == BackfillPhase.Ready && _settings.AntiEntropy)
                {
                    // Hellos that arrived while this node caught up did not start a comparison: do it now.
                    foreach (var peer in _peers.Values.Where(e => e.SessionUp && !e.PeerBackfilling))
                    {
                        _antiEntropy.Step(new AntiEntropyPeerAvailable(peer.Id), NowMs);
                    }
                }

                break;
            case BackfillSourceChosen s:
                SyncHostLog.BackfillSource(Log, _self.Id, s.Source, s.Reason);
                break;
            case BackfillPageRetried r:
                SyncHostLog.BackfillPageRetried(Log, _self.Id, r.Source, r.Attempt);
                break;
            case BackfillBufferOverflowed o:
                _bufferOverflows++;
                _metrics?.BufferOverflowed();
                SyncHostLog.BackfillOverflow(Log, _self.Id, o.DroppedChanges);
                break;
            case CatchUpTimedOut t:
                SyncHostLog.CatchUpTimedOut(Log, _self.Id, string.Join(", ", t.PeersBehind));
                break;
        }
    }

    private void CarryOut(AntiEntropyCommand command)
    {
        switch (command)
        {
            case ExchangeDigests d:
                SendTo(d.Peer, SyncWire.DigestRequest(d.RoundId));
                break;
            case FetchBucketEntries f:
                SendTo(f.Peer, SyncWire.EntriesRequest(f.RoundId, f.Buckets));
                break;
            case PullAndRepair p:
                // One round per peer at a time: what an abandoned earlier round left behind goes.
                foreach (var stale in _repairs.Where(r => r.Value.Peer == p.Peer).Select(r => r.Key).ToList())
                {
                    _repairs.Remove(stale);
                }

                var pulls = p.Repairs.Where(r => r.Pull.Count > 0).ToList();
                _repairs[p.RoundId] = new PendingRepair(p.Peer, p.Repairs, [], pulls.Count);
                foreach (var repair in pulls)
                {
                    SendTo(p.Peer, SyncWire.RepairRequest(p.RoundId, repair.Collection, repair.Pull));
                }

                if (pulls.Count == 0)
                {
                    Self.Tell(new InRepairResponseSelf(p.RoundId), Self);
                }

                break;
            default:
                throw new InvalidOperationException($"unexpected anti-entropy command {command.GetType().Name}");
        }
    }

    private async Task OnRepairResponseAsync(NodeId from, InRepairResponse response)
    {
        if (!_repairs.TryGetValue(response.RoundId, out var pending))
        {
            // Its round was abandoned or superseded, or belonged to the instance before a restart.
            SyncHostLog.RepairResponseIgnored(Log, _self.Id, from, response.RoundId);
            return;
        }

        pending.Pulled.AddRange(response.Records);
        pending.Awaiting--;
        if (pending.Awaiting <= 0)
        {
            await ApplyRepairAsync(response.RoundId).ConfigureAwait(true);
        }
    }

    private async Task ApplyRepairAsync(long roundId)
    {
        if (!_repairs.Remove(roundId, out var pending))
        {
            return;
        }

        var (admitted, rejected) = ClockAdmission.AdmitVersions(pending.Pulled, _clock, _time.PhysicalMs());
        if (rejected.Count > 0)
        {
            Rejected(rejected);
        }

        var result = await _store.ApplyRepairAsync(admitted, [.. pending.Repairs.SelectMany(x => x.Deletions)]).ConfigureAwait(true);
        _repairsApplied += result.RecordsChanged + result.RecordsDeleted;
        _metrics?.Repaired(result.RecordsChanged + result.RecordsDeleted);
        Changed(result.Changed);
        _antiEntropy.Step(new RepairApplied(roundId, result.RecordsChanged, result.RecordsDeleted), NowMs);
    }

    private void OnAntiEntropyNotice(AntiEntropyNotice notice)
    {
        switch (notice)
        {
            case AntiEntropyRoundCompleted c:
                if (c.RecordsRepaired > 0 || c.RecordsDeleted > 0)
                {
                    SyncHostLog.AntiEntropyRound(Log, _self.Id, c.Peer, c.BucketsDiffering, c.RecordsRepaired, c.RecordsDeleted);
                }
                else if (c.BucketsDiffering > 0)
                {
                    // Usually changes still in flight, which the streams deliver anyway.
                    SyncHostLog.AntiEntropyNothingToRepair(Log, _self.Id, c.Peer, c.BucketsDiffering);
                }

                break;
            case AntiEntropyAnswerIgnored i:
                SyncHostLog.AntiEntropyAnswerIgnored(Log, _self.Id, i.Input, i.RoundId, i.CurrentRoundId is { } current ? $"round {current}" : "no round");
                break;
            case AntiEntropyRoundAbandoned a:
                SyncHostLog.AntiEntropyAbandoned(Log, _self.Id, a.Peer, a.Reason);
                foreach (var stale in _repairs.Where(r => r.Value.Peer == a.Peer).Select(r => r.Key).ToList())
                {
                    _repairs.Remove(stale);
                }

                break;
        }
    }

    /// <summary>A repair round with nothing to pull (deletions only) completes without a round trip.</summary>
    private sealed record InRepairResponseSelf(long RoundId);
}
