using PeerSync.Actors;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Links;

internal sealed partial class PeerLinkActor
{
    /// <summary>Carries out everything the machine asked, in order, until it asks nothing more.</summary>
    private async Task ExecuteAsync()
    {
        while (_machine.HasReady)
        {
            var ready = _machine.TakeReady();
            foreach (var notice in ready.Notices)
            {
                LinkLog.Notice(_remoting.Logger, _remoting.Self.Id, Peer, notice);
            }

            foreach (var effect in ready.Effects)
            {
                await ExecuteAsync(effect).ConfigureAwait(true);
            }
        }
    }

    private async Task ExecuteAsync(LinkEffect effect)
    {
        switch (effect)
        {
            case DialPeer dial:
                StartDial(dial);
                break;
            case ActivateSession activate:
                if (activate.Replaced is { } replaced)
                {
                    // The old session is closed and its loops have stopped before the new one starts.
                    await CloseSessionAsync(replaced.Id, DisconnectReason.Shutdown, activate.ReplacedDetail ?? "replaced").ConfigureAwait(true);
                }

                if (_association.ActiveSessionId is { } stray)
                {
                    await CloseSessionAsync(stray, DisconnectReason.Shutdown, "replaced").ConfigureAwait(true);
                }

                // Records the session's incarnation as the association's Current, after the
                // machine's quarantine of the one it replaces (asked for first) was carried out: a
                // crash between the two leaves the old incarnation there, and the next machine
                // quarantines it again, which changes nothing.
                _association.Activate(_sessions[activate.Session.Id], activate.Session.Id, Self);
                if (_activations++ > 0)
                {
                    _remoting.Metrics.Reconnected();
                }

                break;
            case CloseSession close:
                if (close.FlushFirst && _association.ActiveSessionId == close.SessionId)
                {
                    await FlushAsync().ConfigureAwait(true);
                }

                await CloseSessionAsync(close.SessionId, close.Reason, close.Detail).ConfigureAwait(true);
                break;
            case SendHeartbeat:
                _association.SendHeartbeat(NowMs);
                break;
            case ScheduleRetry retry:
                Timers.StartSingleTimer(RetryKey, LinkTick.Instance, TimeSpan.FromMilliseconds(Math.Max(0, retry.AtMs - NowMs)));
                break;
            case QuarantinePrevious previous:
                _remoting.MarkQuarantined(previous.Previous, $"the peer restarted as incarnation {previous.Current.Incarnation}");
                break;
            case LinkStateChanged changed:
                var identity = changed.Peer is { } node && _identities.TryGetValue(node, out var known) ? known : null;
                _remoting.PeerStates.Update(Peer, changed.To, changed.Peer, identity, changed.Reason);
                LinkLog.StateChanged(_remoting.Logger, _remoting.Self.Id, changed.Peer?.ToString() ?? Peer.Value, changed.From, changed.To, changed.Reason);
                if (changed.From == PeerLinkState.Disconnected)
                {
                    // The link (re)started. The association takes messages again only now, after the
                    // peer-state service stopped saying Disconnected: whoever sees Disconnected and
                    // then tells the peer something gets the dead letter that state promises.
                    _association.Reopen();
                }

                break;
            case StopLink stop:
                _association.Close(RemoteDeliveryFailure.PeerGone, stop.Reason);
                foreach (var session in _sessions.Values)
                {
                    session.Close(DisconnectReason.Shutdown, stop.Reason);
                }

                _sessions.Clear();
                Timers.CancelAll();
                Become(Dormant);
                // The last wake handled tells the links actor whether one is still on its way
                // (LinkRoster). From this report on, a restart keeps the link dormant.
                Context.Parent.Tell(_memory.Stopped(Peer, _machine.Address), Self);
                break;
        }
    }

    /// <summary>Waits (bounded) until the peer acknowledged everything buffered for it.</summary>
    private async Task FlushAsync()
    {
        var timeout = _remoting.Options.Link.ShutdownFlushTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var flush = new CancellationTokenSource(timeout, _remoting.TimeProvider);
        try
        {
            await _association.WhenDrainedAsync(flush.Token).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            // Not everything was acknowledged in time: the rest is dead-lettered when the link stops.
        }
    }

    private async Task CloseSessionAsync(long sessionId, DisconnectReason reason, string detail)
    {
        if (_association.ActiveSessionId == sessionId)
        {
            // The reader reports SessionEnded when it has stopped; the machine learns of the close then.
            await _association.DeactivateAsync(reason, detail).ConfigureAwait(true);
        }
        else if (_sessions.Remove(sessionId, out var session))
        {
            session.Close(reason, detail);
        }
    }

    private void StartDial(DialPeer dial)
    {
        _memory.Dialing(dial.Attempt);
        var self = Self;
        var dials = _memory.Dials;
        var remoting = _remoting;
        var peer = Peer;
        _remoting.DialAsync(dial.Address).ContinueWith(
            t =>
            {
                var result = t.IsCompletedSuccessfully ? t.Result : RemotingActor.Failed(t);
                if (result.Session is { } session && !dials.TryLeave(dial.Attempt, session))
                {
                    // The link's actor stopped for good while the dial was under way: told to it, the
                    // session would be a dead letter that nobody closes. TryLeave closed it.
                    LinkLog.Notice(remoting.Logger, remoting.Self.Id, peer, $"dial {dial.Attempt} to {dial.Address} completed after the link stopped: its session is closed");
                    return;
                }

                self.Tell(new DialCompleted(dial.Attempt, dial.Address, result), null);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
