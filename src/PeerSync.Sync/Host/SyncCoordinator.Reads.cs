using PeerSync.Actors;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.AntiEntropy;
using PeerSync.Sync.Peers;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;
using V1 = PeerSync.Sync.Protocol.V1;

namespace PeerSync.Sync.Host;

/// <summary>
/// Store reads the coordinator makes for peers and for anti-entropy comparisons run beside its
/// turn, so that local commits and the other peers never wait behind them (docs/design/sync.md,
/// "Host"): snapshot pages, bucket digests, bucket entries, records to repair.
/// </summary>
internal sealed partial class SyncCoordinator
{
    /// <summary>
    /// This instance of the actor (a restart makes a new one): a read result or failure that comes back
    /// for an earlier instance was started before the restart and is not acted on.
    /// </summary>
    private readonly object _instance = new();

    /// <summary>
    /// Starts a store read beside the coordinator's turn (on the thread pool: SQLite's "async" calls
    /// run synchronously on the caller's thread), so that local commits and the other peers do not
    /// wait behind it. Its result comes back to this actor as <paramref name="done"/> of it; a failure
    /// as <see cref="StoreReadFailed"/>, which restarts the coordinator as a failed store call on its
    /// turn does. The read touches nothing of the actor's state but the store.
    /// </summary>
    private void ReadBeside<T>(string what, Func<IRecordStore, Task<T>> read, Func<T, object> done)
    {
        var (store, instance) = (_store, _instance);
        _ = Task.Run(() => read(store)).PipeTo(Self, success: done, failure: cause => new StoreReadFailed(what, cause, instance));
    }

    /// <summary>
    /// Answers a request of <paramref name="from"/> with what <paramref name="read"/> reads beside the
    /// turn (<see cref="ReadBeside"/>); the answer goes to the session the request came in, if it still runs.
    /// </summary>
    private void AnswerBeside(PeerEntry from, string what, Func<IRecordStore, Task<V1.SyncEnvelope>> read)
    {
        var (peer, session) = (from.Id, from.Session);
        ReadBeside(what, read, answer => new AnswerRead(peer, session, answer));
    }

    private void OnSnapshotPageRead(SnapshotPageRead read)
    {
        _pagesServed++;
        SendToSession(read.Peer, read.Session, SyncWire.Page(read.RequestId, read.Page));
    }

    private void OnAnswerRead(AnswerRead read) => SendToSession(read.Peer, read.Session, read.Answer);

    /// <summary>
    /// Reads this node's side of an anti-entropy comparison beside the turn (<see cref="ReadBeside"/>);
    /// the machine takes <paramref name="input"/> of it when the read completes.
    /// </summary>
    private void CompareBeside<T>(string what, Func<IRecordStore, Task<T>> read, Func<T, AntiEntropyInput> input)
    {
        var instance = _instance;
        ReadBeside(what, read, local => new AntiEntropyRead(instance, input(local)));
    }

    /// <summary>
    /// This node's side of a comparison, read beside the turn: the machine takes it now. Other inputs
    /// may have come first (a timeout, the peer gone, another round): the machine ignores a result
    /// for a round that is no longer current. A result read before a restart is dropped here: the
    /// restarted instance's machine numbers its rounds after the old one's
    /// (<see cref="SyncHostShared.LastAntiEntropyRoundId"/>), so the machine would ignore it as well,
    /// but this check does not depend on the numbering and names the restart in the log.
    /// </summary>
    private async Task OnAntiEntropyReadAsync(AntiEntropyRead read)
    {
        if (!ReferenceEquals(read.Instance, _instance))
        {
            SyncHostLog.StaleComparisonDropped(Log, _self.Id, read.Input.GetType().Name, RoundOf(read.Input));
            return;
        }

        _antiEntropy.Step(read.Input, NowMs);
        await DrainAsync().ConfigureAwait(true);
    }

    private static long RoundOf(AntiEntropyInput input) => input switch
    {
        DigestsReceived d => d.RoundId,
        EntriesReceived e => e.RoundId,
        _ => 0,
    };

    /// <summary>
    /// Sends an answer read beside the turn to the session its request came in. If that session
    /// ended meanwhile the answer is dropped (logged): the asker's round or page request times out
    /// and is tried again, as after a message lost on the way.
    /// </summary>
    private void SendToSession(NodeId peer, SyncSessionId session, V1.SyncEnvelope answer)
    {
        if (_peers.TryGetValue(peer, out var entry) && entry.SessionUp && entry.Session == session)
        {
            SendTo(entry, answer);
        }
        else
        {
            SyncHostLog.AnswerDropped(Log, _self.Id, peer, answer.BodyCase.ToString());
        }
    }

    /// <summary>
    /// A store read beside the turn failed: the coordinator restarts, naming what failed. A failure
    /// of a read started before the last restart is only logged: that restart already reloaded what
    /// the coordinator knows from the store, and the read's answer or round is lost as it would be
    /// to a restart anyway.
    /// </summary>
    private void OnStoreReadFailed(StoreReadFailed failed)
    {
        if (!ReferenceEquals(failed.Instance, _instance))
        {
            SyncHostLog.StaleReadFailed(Log, failed.Cause, _self.Id, failed.What);
            return;
        }

        throw new RecordStoreException($"{failed.What} failed: {failed.Cause.Message}", failed.Cause);
    }

    /// <summary>Each collection's entries and watermarks in one read (see anti-entropy.md); off the actor's context.</summary>
    private static async Task<IReadOnlyList<BucketEntries>> ReadEntriesAsync(IRecordStore store, IReadOnlyList<(CollectionName Collection, IReadOnlyList<int> Buckets)> selections)
    {
        var entries = new List<BucketEntries>(selections.Count);
        foreach (var (collection, buckets) in selections)
        {
            entries.Add(await store.ReadBucketEntriesAsync(collection, buckets).ConfigureAwait(false));
        }

        return entries;
    }
}
