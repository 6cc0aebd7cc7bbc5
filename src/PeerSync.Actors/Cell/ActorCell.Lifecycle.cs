using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    private volatile bool _isTerminating;
    private Exception? _recreateCause;
    private bool _awaitingRecreate;

    public bool IsTerminating => _isTerminating;

    internal void Start() => Mailbox.PostSystem(new CreateActor());

    private void Create()
    {
        try
        {
            var actor = CreateInstance();
            actor.AroundPreStart();
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(
                new ActorInitializationException(Self, $"exception during creation of {_self.Path}: {ex.Message}", ex),
                null);
        }
    }

    private void Terminate()
    {
        if (_isTerminating)
        {
            return;
        }

        _isTerminating = true;

        // No more user messages: they stay queued and go to dead letters when the mailbox closes.
        Mailbox.SuspendCount++;
        _timers?.CancelAll();
        if (!StopAllChildren())
        {
            FinishTerminate();
        }
    }

    private void FinishTerminate()
    {
        try
        {
            _actor?.AroundPostStop();
        }
        catch (Exception ex)
        {
            // The actor stops regardless; a failing PostStop must not keep it (or its watchers) alive.
            Log.LogError(ex, "PostStop of {ActorPath} failed", _self.Path.ToStringWithoutAddress());
        }
        finally
        {
            _isTerminated = true;
            DropStash();
            Mailbox.Close();

            // Unsubscribe before anyone hears of the stop, so no event reaches a stopped subscriber
            // after its watchers saw it terminate.
            System.EventStream.UnsubscribeAll(Self);
            NotifyWatchersAndUnwatchAll();
            Parent.SendSystemMessage(new DeathWatchNotification(Self, existenceConfirmed: true, addressTerminated: false));
            _actor = null;
            _behaviours = null;
        }
    }

    private void Recreate(Exception cause)
    {
        if (_isTerminating)
        {
            return;
        }

        var failedActor = _actor;
        if (failedActor is not null)
        {
            try
            {
                failedActor.AroundPreRestart(cause, _currentEnvelope.Message);
            }
            catch (Exception ex)
            {
                // The restart goes on: the fresh instance must not inherit the old one's failure.
                Log.LogError(ex, "PreRestart of {ActorPath} failed", _self.Path.ToStringWithoutAddress());
            }
        }

        _timers?.CancelAll();
        UnstashAllForRestart();
        _behaviours = null;
        _terminatedQueued.Clear();

        if (AnyChildStopping())
        {
            // Children stopped by PreRestart must be gone before the new instance can reuse their names.
            _awaitingRecreate = true;
            _recreateCause = cause;
        }
        else
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _awaitingRecreate = false;
        _recreateCause = null;
        _failed = false;
        Mailbox.SuspendCount--;
        ResumeChildren();
        try
        {
            var actor = CreateInstance();
            actor.AroundPostRestart(cause);
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(
                new ActorInitializationException(Self, $"exception during restart of {_self.Path}: {ex.Message}", ex),
                null);
        }
    }
}
