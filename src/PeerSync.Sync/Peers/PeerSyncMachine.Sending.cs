using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Peers;

public sealed partial class PeerSyncMachine
{
    private Hlc SentThrough(OriginId origin) =>
        Hlc.Max(_sentThrough.GetValueOrDefault(origin), Acknowledged[origin]);

    private bool CanSend(long nowMs) =>
        Phase == PeerPhase.Active && nowMs >= _retryAtMs && _inFlight.Count < _config.MaxInFlightBatches;

    private void OnLocalBatch(LocalBatchReady b, long nowMs)
    {
        var range = b.Batch.Range;
        if (_local is null)
        {
            return;
        }

        _local = _local with { Applied = _local.Applied.With(range.Origin, Hlc.Max(_local.Applied[range.Origin], range.ThroughInclusive)) };
        if (!CanSend(nowMs) || _inFlight.Values.Any(f => f.Origin == range.Origin && !f.Prepared))
        {
            return;
        }

        // The live path: the batch goes out as is when it continues what the peer has (or the peer
        // is backfilling and buffers whatever arrives). Otherwise the pump reads from the store.
        if (_peerBackfilling || SentThrough(range.Origin) == range.FromExclusive)
        {
            var id = _nextBatchId++;
            _inFlight[id] = new InFlightBatch(id, range.Origin, range.FromExclusive, range.ThroughInclusive, Prepared: true, nowMs + _config.SendTimeoutMs);
            if (!_peerBackfilling)
            {
                _sentThrough[range.Origin] = range.ThroughInclusive;
            }

            _messages.Add(new SendBatch(_session, id, range));
        }
    }

    /// <summary>Asks the store for the next range of each origin the peer lacks, within the bounds.</summary>
    private void Pump(long nowMs)
    {
        if (_local is null || !CanSend(nowMs) || _peerBackfilling)
        {
            return;
        }

        var origins = _local.Applied.Origins.ToList();
        if (origins.Count == 0)
        {
            return;
        }

        // Round robin from after the origin served last, so one busy origin cannot starve the rest.
        var start = _lastServed is { } last ? origins.FindIndex(o => o.CompareTo(last) > 0) : 0;
        if (start < 0)
        {
            start = 0;
        }

        for (var i = 0; i < origins.Count && _inFlight.Count < _config.MaxInFlightBatches; i++)
        {
            var origin = origins[(start + i) % origins.Count];
            if (origin == _peerOrigin || _inFlight.Values.Any(f => f.Origin == origin && !f.Prepared))
            {
                continue;
            }

            var head = _local.Applied[origin];
            var sent = SentThrough(origin);
            if (head <= sent)
            {
                continue;
            }

            if (origin != _local.Self && !Forwarding(origin, head, nowMs))
            {
                continue;
            }

            if (sent < _local.Floors[origin])
            {
                if (_behindLogReported.Add(origin))
                {
                    _notices.Add(new PeerBehindLog(origin, sent, _local.Floors[origin]));
                }

                continue;
            }

            var id = _nextBatchId++;
            _inFlight[id] = new InFlightBatch(id, origin, sent, head, Prepared: false, nowMs + _config.SendTimeoutMs);
            _messages.Add(new PrepareBatch(_session, id, origin, sent, head, _config.MaxBatch));
            _lastServed = origin;
        }
    }

    /// <summary>
    /// Forward another origin's stream only when the peer's acknowledgement of it has not moved for
    /// the forward delay while it is behind: an origin connected to the peer delivers its own
    /// changes, so forwarding everything would multiply traffic; a peer that cannot hear the origin
    /// gets the stream from here (transitivity). Progress, not catching up, is what counts: a peer
    /// working through a backlog of the origin's changes acknowledges steadily but may stay behind
    /// the head for longer than the delay, and forwarding then would only send everything twice.
    /// </summary>
    private bool Forwarding(OriginId origin, Hlc head, long nowMs)
    {
        var ack = Acknowledged[origin];
        if (ack >= head)
        {
            _lag.Remove(origin);
            _forwarding.Remove(origin);
            return false;
        }

        if (_forwarding.Contains(origin))
        {
            return true;
        }

        if (!_lag.TryGetValue(origin, out var lag) || ack > lag.Acknowledged)
        {
            _lag[origin] = (ack, nowMs);
            return false;
        }

        if (nowMs - lag.SinceMs < _config.ForwardDelayMs)
        {
            return false;
        }

        _lag.Remove(origin);
        _forwarding.Add(origin);
        _notices.Add(new ForwardingStarted(origin));
        return true;
    }

    private void OnPrepared(BatchPrepared p, long nowMs)
    {
        if (!_inFlight.TryGetValue(p.BatchId, out var batch) || batch.Prepared)
        {
            return;
        }

        if (p.Range is null)
        {
            _inFlight.Remove(p.BatchId);
            if (_local is not null && _behindLogReported.Add(batch.Origin))
            {
                _notices.Add(new PeerBehindLog(batch.Origin, batch.From, _local.Floors[batch.Origin]));
            }

            return;
        }

        if (p.Range.Origin != batch.Origin || p.Range.FromExclusive != batch.From || p.Range.ThroughInclusive > batch.Through)
        {
            throw new InvalidOperationException($"peer {Peer}: batch {p.BatchId} was prepared as {p.Range.Origin} ({p.Range.FromExclusive}, {p.Range.ThroughInclusive}] but asked for {batch.Origin} ({batch.From}, {batch.Through}]");
        }

        if (p.Range.ThroughInclusive <= p.Range.FromExclusive)
        {
            _inFlight.Remove(p.BatchId);
            return;
        }

        _inFlight[p.BatchId] = batch with { Through = p.Range.ThroughInclusive, Prepared = true, DeadlineMs = nowMs + _config.SendTimeoutMs };
        _sentThrough[batch.Origin] = p.Range.ThroughInclusive;
        _messages.Add(new SendBatch(_session, p.BatchId, p.Range));
    }

    private void OnAck(AckReceived a, long nowMs)
    {
        // The watermarks are true whatever session they came in: they only ever rise.
        RaiseAcknowledged(a.Ack.Applied);
        if (a.Session != _session || Phase != PeerPhase.Active || !_inFlight.Remove(a.Ack.BatchId, out var batch))
        {
            return;
        }

        if (a.Ack.Status == AckStatus.Buffered)
        {
            return;
        }

        var acked = Acknowledged[batch.Origin];
        if (acked >= batch.Through)
        {
            _failures = 0;
            return;
        }

        // Not (fully) applied: go back to what the peer has and resend from there; batches of the
        // origin still in flight are superseded.
        foreach (var stale in _inFlight.Values.Where(f => f.Origin == batch.Origin).Select(f => f.Id).ToList())
        {
            _inFlight.Remove(stale);
        }

        _sentThrough.Remove(batch.Origin);
        if (a.Ack.Status == AckStatus.ClockSkewRejected)
        {
            _notices.Add(new PeerRejectedClockSkew(batch.Origin));
        }

        if (acked <= batch.From)
        {
            Fail($"batch {batch.Id} of {batch.Origin} was not applied ({a.Ack.Status})", nowMs);
        }
    }

    private void OnTick(long nowMs)
    {
        if (Phase == PeerPhase.AwaitingHello)
        {
            RetryHello(nowMs);
            return;
        }

        if (Phase != PeerPhase.Active)
        {
            return;
        }

        var expired = _inFlight.Values.Where(b => b.DeadlineMs <= nowMs).OrderBy(b => b.Id).FirstOrDefault();
        if (expired is not null)
        {
            // Go-back-N: the link is suspect, everything in flight is resent from the acknowledgement.
            _inFlight.Clear();
            _sentThrough.Clear();
            Fail($"batch {expired.Id} of {expired.Origin} was not acknowledged within {_config.SendTimeoutMs} ms", nowMs);
        }
    }

    private void Fail(string reason, long nowMs)
    {
        _failures++;
        if (_failures > _config.MaxRetries)
        {
            Phase = PeerPhase.Stalled;
            ClearSession();
            _notices.Add(new PeerStalled(_failures));
            return;
        }

        // Exponential backoff with "equal jitter" from the seeded generator: half fixed, half random.
        var exponent = Math.Min(_failures - 1, 30);
        var ceiling = Math.Min(_config.RetryBackoffMaxMs, _config.RetryBackoffMinMs << exponent);
        if (ceiling <= 0)
        {
            ceiling = _config.RetryBackoffMaxMs;
        }

        var delay = (ceiling / 2) + _random.NextInt64((ceiling / 2) + 1);
        _retryAtMs = nowMs + delay;
        _notices.Add(new SendFailed(reason, _failures, _retryAtMs));
    }

    private void OnInboundHandled(InboundBatchHandled h, long nowMs)
    {
        if (_local is not null)
        {
            _local = _local with { Applied = _local.Applied.Max(h.LocalApplied) };
        }

        if (h.Session != _session || Phase is PeerPhase.Disconnected)
        {
            return;
        }

        _messages.Add(new SendAck(_session, new BatchAck(h.BatchId, h.Status, h.LocalApplied)));
        _lastReported = h.LocalApplied;
        _lastReportMs = nowMs;
    }

    /// <summary>Tells the peer this node's watermarks when they changed, at most once per report interval.</summary>
    private void Report(long nowMs)
    {
        if (Phase != PeerPhase.Active || _local is null || _local.Applied.Equals(_lastReported)
            || nowMs < _lastReportMs + _config.WatermarkReportIntervalMs)
        {
            return;
        }

        _messages.Add(new SendWatermarks(_session, _local.Applied, _local.Floors));
        _lastReported = _local.Applied;
        _lastReportMs = nowMs;
    }
}
