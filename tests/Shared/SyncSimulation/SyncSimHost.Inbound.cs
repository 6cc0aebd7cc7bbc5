using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Host;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>Messages from the network, translated to machine inputs.</summary>
internal abstract partial class SyncSimHost
{
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
