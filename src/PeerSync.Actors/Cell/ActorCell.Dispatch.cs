namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    /// <summary>Processes one user message.</summary>
    internal void Invoke(Envelope envelope)
    {
        _currentEnvelope = envelope;
        try
        {
            var message = envelope.Message;
            switch (message)
            {
                case TimerScheduler.TimerMessage timer:
                    if (_timers is null || !_timers.TryAccept(timer))
                    {
                        return;
                    }

                    message = timer.Message;
                    _currentEnvelope = new Envelope(message, envelope.Sender);
                    break;
                case PoisonPill:
                    Stop(Self);
                    return;
                case Kill:
                    throw new ActorKilledException($"{_self.Path} received Kill");
                case Identify identify:
                    Sender.Tell(new ActorIdentity(identify.MessageId, Self), Self);
                    return;
                case Terminated terminated:
                    // Only a Terminated this cell queued for a watch still in place is delivered;
                    // an Unwatch in between cancels it (Akka's rule).
                    if (!_terminatedQueued.Remove(terminated.ActorRef))
                    {
                        return;
                    }

                    break;
            }

            Deliver(message);
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex, envelope.Message);
        }
    }

    private void Deliver(object message)
    {
        var actor = _actor;
        if (actor is null)
        {
            System.DeadLetter(message, _currentEnvelope.Sender, Self, "actor instance not available");
            return;
        }

        var handled = _behaviours is { Count: > 0 } ? _behaviours.Peek()(message) : actor.Receive(message);
        if (!handled)
        {
            actor.Unhandled(message);
        }
    }

    /// <summary>Processes one system message.</summary>
    internal void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case CreateActor:
                    Create();
                    break;
                case AsyncContinuation continuation:
                    RunContinuation(continuation);
                    break;
                case AsyncTaskCompleted completed:
                    OnTaskCompleted(completed);
                    break;
                case Watch watch:
                    AddWatcher(watch);
                    break;
                case Unwatch unwatch:
                    RemoveWatcher(unwatch);
                    break;
                case DeathWatchNotification notification:
                    OnDeathWatchNotification(notification);
                    break;
                case ChildFailed failed:
                    OnChildFailed(failed);
                    break;
                case SuspendActor:
                    Suspend();
                    break;
                case ResumeActor resume:
                    Resume(resume.CausedByFailure);
                    break;
                case RecreateActor recreate:
                    Recreate(recreate.Cause);
                    break;
                case TerminateActor:
                    Terminate();
                    break;
                default:
                    throw new InvalidOperationException($"unknown system message {message.GetType().Name}");
            }
        }
        catch (Exception ex)
        {
            // A failure while handling a system message (a user hook such as a Terminated handler
            // run from here, or a bug) is treated like a message failure so the supervisor decides.
            HandleInvokeFailure(ex, null);
        }
    }
}
