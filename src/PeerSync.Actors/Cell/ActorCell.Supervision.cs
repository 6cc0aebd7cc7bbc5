using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    // True from a failure until the supervisor's Resume or Restart has been carried out.
    private bool _failed;

    /// <summary>
    /// The actor failed: hold its user messages and its children's, and ask the parent to decide.
    /// </summary>
    private void HandleInvokeFailure(Exception cause, object? message) =>
        Fail(cause, new FailureOrigin(_self.Path, message?.GetType()));

    private void Fail(Exception cause, FailureOrigin origin)
    {
        if (_isTerminating)
        {
            // Already on its way out; the supervisor has nothing left to decide.
            Log.LogError(cause, "{ActorPath} failed while stopping", _self.Path.ToStringWithoutAddress());
            return;
        }

        if (_failed)
        {
            // A second failure before the supervisor answered the first (e.g. from a system
            // message): the first decision covers it.
            Log.LogError(cause, "{ActorPath} failed again before its supervisor decided", _self.Path.ToStringWithoutAddress());
            return;
        }

        _failed = true;
        Mailbox.SuspendCount++;
        SuspendChildren();
        Parent.SendSystemMessage(new ChildFailed(_self, cause, origin));
    }

    private void Suspend()
    {
        Mailbox.SuspendCount++;
        SuspendChildren();
    }

    private void Resume(Exception? causedByFailure)
    {
        if (causedByFailure is not null)
        {
            if (!_failed)
            {
                return;
            }

            _failed = false;
        }

        Mailbox.SuspendCount--;
        ResumeChildren();
    }

    private void OnChildFailed(ChildFailed failed)
    {
        var entry = FindChild(failed.Child);
        if (entry is null || entry.Stopping || _isTerminating)
        {
            // A stale report from a child that is already gone or on its way out.
            return;
        }

        var strategy = Props.SupervisorStrategy ?? _actor?.SupervisorStrategy() ?? SupervisorStrategy.StoppingStrategy;
        var directive = strategy.Decide(failed.Cause);
        if (directive != Directive.Escalate && strategy.LoggingEnabled)
        {
            LogFailure(failed, directive);
        }

        switch (directive)
        {
            case Directive.Resume:
                entry.Ref.SendSystemMessage(new ResumeActor(failed.Cause));
                break;
            case Directive.Restart:
                RestartAfterFailure(strategy, entry, failed);
                break;
            case Directive.Stop:
                foreach (var target in strategy.AffectedChildren(entry, ChildEntries()))
                {
                    StopChild(target);
                }

                break;
            case Directive.Escalate:
                Fail(failed.Cause, failed.Origin);
                break;
        }
    }

    private void RestartAfterFailure(SupervisorStrategy strategy, ChildEntry failedEntry, ChildFailed failed)
    {
        var affected = strategy.AffectedChildren(failedEntry, ChildEntries());
        var now = System.TimeProvider.GetUtcNow();
        var permitted = true;
        foreach (var target in affected)
        {
            permitted &= target.Stats.RequestRestartPermission(now, strategy.MaxNrOfRetries, strategy.WithinTimeRange);
        }

        if (!permitted)
        {
            System.Log.LogError(
                "Restart limit reached for {ActorPath} ({MaxRetries} within {Window}); stopping it",
                failed.Child.Path.ToStringWithoutAddress(), strategy.MaxNrOfRetries, strategy.WithinTimeRange?.ToString() ?? "any time");
            foreach (var target in affected)
            {
                StopChild(target);
            }

            return;
        }

        foreach (var target in affected)
        {
            if (!ReferenceEquals(target, failedEntry))
            {
                // A sibling restarted by an all-for-one decision was not failed: suspend it first
                // so its restart undoes exactly one suspension, as the failed child's does.
                target.Ref.SendSystemMessage(new SuspendActor());
            }

            target.Ref.SendSystemMessage(new RecreateActor(failed.Cause));
        }
    }

    private void LogFailure(ChildFailed failed, Directive directive)
    {
        var what = failed.Origin.MessageType is { } type ? type.Name : "(no message: start, restart or a system message)";
        var level = directive == Directive.Resume ? LogLevel.Warning : LogLevel.Error;
        System.Log.Log(
            level,
            failed.Cause,
            "Actor {ActorPath} failed processing {MessageType}; supervisor {Supervisor} decided {Directive}",
            failed.Origin.Path.ToStringWithoutAddress(),
            what,
            _self.Path.ToStringWithoutAddress(),
            directive);
    }

    private void SuspendChildren()
    {
        foreach (var child in ChildEntries())
        {
            if (!child.Stopping)
            {
                child.Ref.SendSystemMessage(new SuspendActor());
            }
        }
    }

    private void ResumeChildren()
    {
        foreach (var child in ChildEntries())
        {
            if (!child.Stopping)
            {
                child.Ref.SendSystemMessage(new ResumeActor(null));
            }
        }
    }
}
