using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Backfill;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>What a node does on its own: client writes, ticks (sealing, timers) and pruning.</summary>
internal abstract partial class SyncSimHost
{
    /// <summary>A client write; null when refused (see <see cref="MayWrite"/>; not ready; not the owner).</summary>
    public RecordVersion? Write(CollectionName collection, RecordKey key, string? value, long nowMs)
    {
        if (!MayWrite || !_backfill.IsReady)
        {
            return null;
        }

        var kind = Config.Catalog.KindOf(collection);
        var hlc = Issue(nowMs);
        var outcome = Sim.Run(Store.WriteLocalAsync([new LocalWrite(collection, key, kind, value, hlc)]))[0];
        if (!outcome.IsWritten)
        {
            return null;
        }

        AfterWrite(outcome.Written!, hlc);
        _batcher.Add(outcome.Written!, nowMs);
        Drain(nowMs);
        return outcome.Written;
    }

    public void Tick(long nowMs)
    {
        if (!IsUp)
        {
            return;
        }

        _batcher.Tick(nowMs);
        if (_batcher.SealRequested && _backfill.MaySeal)
        {
            var seal = Issue(nowMs);
            Sim.Run(Store.SealAsync(seal));
            AfterSeal(seal);
            _batcher.Sealed(seal, nowMs);
        }

        foreach (var peer in _peers.Values)
        {
            peer.Step(new PeerTick(), nowMs);
        }

        _backfill.Step(new BackfillTick(), nowMs);
        if (AntiEntropyEnabled)
        {
            _antiEntropy.Step(new AntiEntropyTick(), nowMs);
        }

        if (nowMs >= _nextPruneMs)
        {
            _nextPruneMs = nowMs + 1000;
            Prune(nowMs);
        }

        OnTick(nowMs);
        Drain(nowMs);
    }

    /// <summary>Prunes the log and tombstones by a plan from the live and retired peer machines.</summary>
    public void Prune(long nowMs)
    {
        if (!MayPrune)
        {
            return;
        }

        var live = _peers.Values.Where(p => !p.IsRetired)
            .Select(p => new PeerAcknowledgement(p.Peer, p.PeerEpoch, p.Acknowledged)).ToList();
        var retired = _peers.Values.Where(p => p.IsRetired)
            .Select(p => new RetiredPeer(p.Peer, p.PeerEpoch, p.RetiredAtMs)).ToList();
        var progress = Sim.Run(Store.ReadProgressAsync());
        var plan = PruningCalculator.Plan(progress.Self, progress.Applied, live, retired, nowMs, Config.Pruning.RetiredOriginRetentionMs);
        Sim.Run(Store.PruneAsync(plan));
        AfterPrune(progress.Floors);
        ProgressChanged(nowMs);
    }

    private void ProgressChanged(long nowMs)
    {
        var progress = Sim.Run(Store.ReadProgressAsync());
        foreach (var peer in _peers.Values)
        {
            peer.Step(new LocalProgressChanged(progress.Applied, progress.Floors), nowMs);
        }

        _backfill.Step(new LocalAppliedChanged(progress.Applied), nowMs);
    }
}
