using PeerSync.Sync.Records;
using PeerSync.Remote.Addressing;

namespace PeerSync.Sync.Peers;

public sealed partial class PeerSyncMachine
{
    private void OnConnected(PeerConnected c, long nowMs)
    {
        if (Phase != PeerPhase.Disconnected)
        {
            // A reconnecting peer's old session is closed before the new one starts.
            EndSession();
        }

        _session = c.Session;
        _local = c.Local;
        Phase = PeerPhase.AwaitingHello;
        _failures = 0;
        _retryAtMs = nowMs;
        _notices.Add(new PeerSessionStarted(c.Session));
        _messages.Add(new SendHello(_session, MakeHello(replyRequested: false)));
        _helloDeadlineMs = nowMs + _config.SendTimeoutMs;
    }

    /// <summary>No hello within the send timeout: say hello again (with backoff), or stall.</summary>
    private void RetryHello(long nowMs)
    {
        if (nowMs < _helloDeadlineMs || nowMs < _retryAtMs)
        {
            return;
        }

        Fail($"no hello from {Peer} within {_config.SendTimeoutMs} ms", nowMs);
        if (Phase == PeerPhase.AwaitingHello)
        {
            _messages.Add(new SendHello(_session, MakeHello(replyRequested: true)));
            _helloDeadlineMs = _retryAtMs + _config.SendTimeoutMs;
        }
    }

    private void OnResync(ResyncRequested r)
    {
        if (_local is null || Phase is PeerPhase.Disconnected)
        {
            _local = r.Local;
            return;
        }

        _local = r.Local;
        _messages.Add(new SendHello(_session, MakeHello(replyRequested: true)));
        _lastReported = r.Local.Applied;
    }

    private void OnHello(HelloReceived h, long nowMs)
    {
        if (h.Session != _session || Phase is PeerPhase.Disconnected || _local is null)
        {
            return;
        }

        var hello = h.Hello;
        if (PeerEpoch is null)
        {
            Raise(new PeerEpochObserved(hello.Epoch));
            RaiseAcknowledged(hello.Applied);
        }
        else if (PeerEpoch != hello.Epoch)
        {
            // The peer wiped its data but kept its id: everything it acknowledged is gone. Start
            // over from what it has now (a full exchange; it backfills if we pruned).
            var previous = PeerEpoch;
            Raise(new PeerEpochObserved(hello.Epoch));
            Raise(new AcknowledgementsReset(hello.Applied, $"data epoch changed from {previous} to {hello.Epoch}"));
            _notices.Add(new PeerDataEpochChanged(previous, hello.Epoch));
        }
        else if (!hello.Applied.Dominates(Acknowledged))
        {
            // The hello is authoritative: less than it acknowledged means it lost durable data.
            _notices.Add(new PeerWatermarksRegressed(Acknowledged, hello.Applied));
            Raise(new AcknowledgementsReset(hello.Applied, "the peer reported less than it had acknowledged"));
        }
        else
        {
            RaiseAcknowledged(hello.Applied);
        }

        _peerOrigin = new OriginId(Peer, hello.Epoch);
        _peerBackfilling = hello.Backfilling;
        if (hello.CatalogFingerprint != _config.CatalogFingerprint)
        {
            _notices.Add(new CollectionCatalogMismatch(_config.CatalogFingerprint, hello.CatalogFingerprint));
        }

        var ownReported = hello.Applied[_local.Self];
        if (ownReported > _local.Applied[_local.Self])
        {
            _notices.Add(new PeerAheadOfOwnStream(ownReported, _local.Applied[_local.Self]));
        }

        // Start sending afresh from what the peer says it has.
        _inFlight.Clear();
        _sentThrough.Clear();
        _lag.Clear();
        _forwarding.Clear();
        _behindLogReported.Clear();
        Phase = PeerPhase.Active;
        _failures = 0;
        _retryAtMs = nowMs;
        if (hello.ReplyRequested)
        {
            _messages.Add(new SendHello(_session, MakeHello(replyRequested: false)));
        }
    }

    private SyncHello MakeHello(bool replyRequested)
    {
        var local = _local!;
        _lastReported = local.Applied;
        return new SyncHello(local.Epoch, local.Applied, local.Floors, local.Backfilling, _config.CatalogFingerprint, replyRequested);
    }

    private void EndSession()
    {
        if (Phase is PeerPhase.Disconnected or PeerPhase.Retired)
        {
            return;
        }

        _notices.Add(new PeerSessionEnded(_session));
        Phase = PeerPhase.Disconnected;
        ClearSession();
    }

    private void ClearSession()
    {
        _inFlight.Clear();
        _sentThrough.Clear();
        _lag.Clear();
        _forwarding.Clear();
        _behindLogReported.Clear();
        _peerBackfilling = false;
    }
}
