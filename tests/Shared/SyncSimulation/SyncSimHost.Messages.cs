using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>Carrying out the machines' ready outputs (messages to send, store commands, notices), and messages from the network.</summary>
internal abstract partial class SyncSimHost
{
    /// <summary>Carries out every machine's ready outputs until none has more.</summary>
    protected void Drain(long nowMs)
    {
        var progress = true;
        while (progress && IsUp)
        {
            progress = false;
            foreach (var batch in _batcher.TakeReady())
            {
                progress = true;
                foreach (var peer in _peers.Values.ToList())
                {
                    peer.Step(new LocalBatchReady(batch), nowMs);
                }
            }

            foreach (var (peerId, peer) in _peers.ToList())
            {
                if (!peer.HasReady)
                {
                    continue;
                }

                progress = true;
                var ready = peer.TakeReady();
                Journals[peerId].AddRange(ready.Events);
                foreach (var message in ready.Messages)
                {
                    CarryOut(peerId, peer, message, nowMs);
                }

                foreach (var notice in ready.Notices)
                {
                    OnPeerNotice(peerId, notice, nowMs);
                }

                peer.Advance(ready);
            }

            if (_backfill.HasReady)
            {
                progress = true;
                var ready = _backfill.TakeReady();
                foreach (var command in ready.Commands)
                {
                    CarryOut(command, nowMs);
                }

                foreach (var notice in ready.Notices)
                {
                    Trace($"{Id} backfill {notice}");
                    if (notice is BackfillBufferOverflowed)
                    {
                        BufferOverflows++;
                    }
                }
            }

            if (_antiEntropy.HasReady)
            {
                progress = true;
                var ready = _antiEntropy.TakeReady();
                foreach (var command in ready.Commands)
                {
                    CarryOut(command, nowMs);
                }

                foreach (var notice in ready.Notices)
                {
                    Trace($"{Id} anti-entropy {notice}");
                }
            }
        }
    }

    /// <summary>Sends on the current session with the peer; with none, the message is not sent (the machines retry).</summary>
    private void Send(NodeId to, SyncInbound message, long nowMs)
    {
        if (_sessions.TryGetValue(to, out var session))
        {
            Transmit(to, session, message, nowMs);
        }
    }

    private void CarryOut(NodeId peerId, PeerSyncMachine peer, PeerSyncMessage message, long nowMs)
    {
        switch (message)
        {
            case SendHello h:
                Send(peerId, new InHello(h.Session, h.Hello), nowMs);
                break;
            case SendBatch b:
                Send(peerId, new InBatch(b.Session, b.BatchId, b.Range), nowMs);
                break;
            case PrepareBatch p:
                var range = Sim.Run(Store.ReadStreamAsync(p.Origin, p.FromExclusive, p.ThroughInclusive, p.MaxChanges));
                peer.Step(new BatchPrepared(p.BatchId, range), nowMs);
                break;
            case SendAck a:
                Send(peerId, new InAck(a.Session, a.Ack), nowMs);
                break;
            case SendWatermarks w:
                Send(peerId, new InReport(w.Session, w.Applied, w.Floors), nowMs);
                break;
            default:
                throw new InvalidOperationException($"unexpected {message}");
        }
    }

    private void OnPeerNotice(NodeId peerId, PeerSyncNotice notice, long nowMs)
    {
        Trace($"{Id}->{peerId} {notice}");
        switch (notice)
        {
            case PeerStalled:
                RequestReconnect(peerId, nowMs);
                break;
            case PeerAheadOfOwnStream ahead:
                _clock.Receive(ahead.PeerPosition, PhysicalMs(nowMs));
                break;
        }
    }

    private void CarryOut(BackfillCommand command, long nowMs)
    {
        switch (command)
        {
            case RequestPage r:
                PageRequests++;
                Send(r.Source, new InPageRequest(r.RequestId, r.After, r.Limit), nowMs);
                break;
            case ApplyPage a:
                var (admitted, rejected) = ClockAdmission.AdmitVersions(a.Page.Records, _clock, PhysicalMs(nowMs));
                if (rejected.Count > 0)
                {
                    // Not applied: the page timeout retries it once the clocks agree.
                    ClockRejections += rejected.Count;
                    break;
                }

                Sim.Run(Store.ApplySnapshotPageAsync(a.Page with { Records = admitted }, a.Checkpoint));
                PagesApplied++;
                AfterPageApplied();
                if (IsUp)
                {
                    _backfill.Step(new PageApplied(a.RequestId), nowMs);
                }

                break;
            case CompleteSnapshot c:
                var applied = Sim.Run(Store.CompleteBackfillAsync(c.Coverage));
                _backfill.Step(new SnapshotCompleted(applied), nowMs);
                ProgressChanged(nowMs);
                break;
            case ApplyNow n:
                ApplyInbound(n.Peer, n.BatchId, n.Range, acknowledge: true, nowMs);
                break;
            case AcknowledgeBuffered b:
                if (_peers.TryGetValue(b.Peer, out var p) && _sessions.TryGetValue(b.Peer, out var s))
                {
                    p.Step(new InboundBatchHandled(s, b.BatchId, AckStatus.Buffered, LocalState().Applied), nowMs);
                }

                break;
            case ApplyBuffered buffered:
                foreach (var batch in buffered.Batches)
                {
                    ApplyInbound(batch.Peer, batch.BatchId, batch.Range, acknowledge: false, nowMs);
                }

                break;
            case ResyncPeers r:
                var local = LocalState() with { Backfilling = r.Backfilling };
                foreach (var peer in _peers.Values)
                {
                    peer.Step(new ResyncRequested(local), nowMs);
                }

                break;
            case ClearCheckpoint:
                Sim.Run(Store.ClearBackfillCheckpointAsync());
                break;
            default:
                throw new InvalidOperationException($"unexpected {command}");
        }
    }

    private void ApplyInbound(NodeId from, long batchId, ChangeRange range, bool acknowledge, long nowMs)
    {
        var admitted = ClockAdmission.Admit([range], _clock, PhysicalMs(nowMs));
        ClockRejections += admitted.Rejections.Count;
        var result = Sim.Run(Store.ApplyRemoteAsync(admitted.Ranges));
        ChangesReceived += range.Count;
        var status = admitted.AnyRejected ? AckStatus.ClockSkewRejected
            : result.Ranges[0].Status == RangeApplyStatus.Gap ? AckStatus.Gap
            : AckStatus.Applied;
        if (acknowledge && _peers.TryGetValue(from, out var peer) && _sessions.TryGetValue(from, out var session))
        {
            peer.Step(new InboundBatchHandled(session, batchId, status, result.Applied), nowMs);
        }

        ProgressChanged(nowMs);
    }

    private void CarryOut(AntiEntropyCommand command, long nowMs)
    {
        switch (command)
        {
            case ExchangeDigests d:
                Send(d.Peer, new InDigestRequest(d.RoundId), nowMs);
                break;
            case FetchBucketEntries f:
                Send(f.Peer, new InEntriesRequest(f.RoundId, f.Buckets), nowMs);
                break;
            case PullAndRepair p:
                _pendingRepairs[p.RoundId] = p.Repairs;
                Send(p.Peer, new SimRepairRequest(p.RoundId, [.. p.Repairs.Select(r => (r.Collection, r.Pull))]), nowMs);
                break;
            default:
                throw new InvalidOperationException($"unexpected {command}");
        }
    }

    /// <summary>A message from the network.</summary>
    public void Receive(NodeId from, SyncSessionId session, SyncInbound message, long nowMs)
    {
        if (!IsUp || !_sessions.TryGetValue(from, out var current) || current != session)
        {
            return;
        }

        var peer = _peers[from];
        switch (message)
        {
            case InHello h:
                _peerBackfilling[from] = h.Hello.Backfilling;
                peer.Step(new HelloReceived(h.Session, h.Hello), nowMs);
                _backfill.Step(new PeerWatermarksObserved(from, h.Hello.Applied, h.Hello.Floors, h.Hello.Backfilling), nowMs);
                if (!h.Hello.Backfilling && _backfill.IsReady && AntiEntropyEnabled)
                {
                    _antiEntropy.Step(new AntiEntropyPeerAvailable(from), nowMs);
                }

                break;
            case InBatch b:
                _backfill.Step(new LiveBatchArrived(from, b.BatchId, b.Range), nowMs);
                break;
            case InAck a:
                peer.Step(new AckReceived(a.Session, a.Ack), nowMs);
                break;
            case InReport r:
                peer.Step(new WatermarksReported(r.Session, r.Applied, r.Floors), nowMs);
                _backfill.Step(new PeerWatermarksObserved(from, r.Applied, r.Floors, _peerBackfilling.GetValueOrDefault(from)), nowMs);
                break;
            case InPageRequest r:
                Send(from, new InPage(r.RequestId, Sim.Run(Store.ReadSnapshotPageAsync(r.After, r.Limit))), nowMs);
                break;
            case InPage p:
                _backfill.Step(new PageArrived(from, p.RequestId, p.Page), nowMs);
                break;
            case InDigestRequest d:
                Send(from, new InDigestResponse(d.RoundId, Sim.Run(Store.ReadBucketDigestsAsync())), nowMs);
                break;
            case InDigestResponse d:
                _antiEntropy.Step(new DigestsReceived(d.RoundId, Sim.Run(Store.ReadBucketDigestsAsync()), d.Digests), nowMs);
                break;
            case InEntriesRequest e:
                Send(from, new InEntriesResponse(e.RoundId, ReadEntries(e.Selections)), nowMs);
                break;
            case InEntriesResponse e:
                _antiEntropy.Step(new EntriesReceived(e.RoundId, ReadEntries([.. e.Entries.Select(x => (x.Collection, x.Buckets))]), e.Entries), nowMs);
                break;
            case SimRepairRequest r:
                var records = r.Keys.SelectMany(k => Sim.Run(Store.ReadVersionsAsync(k.Collection, k.Keys))).ToList();
                Send(from, new InRepairResponse(r.RoundId, records), nowMs);
                break;
            case InRepairResponse r:
                if (_pendingRepairs.Remove(r.RoundId, out var repairs))
                {
                    var (admitted, rejected) = ClockAdmission.AdmitVersions(r.Records, _clock, PhysicalMs(nowMs));
                    ClockRejections += rejected.Count;
                    var result = Sim.Run(Store.ApplyRepairAsync(admitted, [.. repairs.SelectMany(x => x.Deletions)]));
                    RepairsApplied += result.RecordsChanged + result.RecordsDeleted;
                    _antiEntropy.Step(new RepairApplied(r.RoundId, result.RecordsChanged, result.RecordsDeleted), nowMs);
                }

                break;
            default:
                throw new InvalidOperationException($"unexpected {message}");
        }

        Drain(nowMs);
    }

    private IReadOnlyList<BucketEntries> ReadEntries(IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> selections) =>
        [.. selections.Select(s => Sim.Run(Store.ReadBucketEntriesAsync(s.Collection, s.Buckets)))];
}
