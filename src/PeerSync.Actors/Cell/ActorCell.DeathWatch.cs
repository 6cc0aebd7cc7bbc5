namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    private readonly HashSet<IActorRef> _watching = [];
    private readonly HashSet<IInternalActorRef> _watchedBy = [];
    private readonly HashSet<IActorRef> _terminatedQueued = [];

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Equals(Self) || !_watching.Add(subject))
        {
            return subject;
        }

        if (subject is IInternalActorRef target)
        {
            target.SendSystemMessage(new Watch(target, _self));
        }
        else
        {
            // A ref the runtime cannot watch (a foreign implementation): report it as gone rather
            // than leave the watcher waiting forever.
            _self.SendSystemMessage(new DeathWatchNotification(subject, existenceConfirmed: false, addressTerminated: false));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        _terminatedQueued.Remove(subject);
        if (_watching.Remove(subject) && subject is IInternalActorRef target)
        {
            target.SendSystemMessage(new Unwatch(target, _self));
        }

        return subject;
    }

    private void AddWatcher(Watch watch)
    {
        if (watch.Watchee.Equals(Self) && !watch.Watcher.Equals(Self))
        {
            _watchedBy.Add(watch.Watcher);
        }
    }

    private void RemoveWatcher(Unwatch unwatch)
    {
        if (unwatch.Watchee.Equals(Self))
        {
            _watchedBy.Remove(unwatch.Watcher);
        }
    }

    private void OnDeathWatchNotification(DeathWatchNotification notification)
    {
        var actor = notification.Actor;
        if (actor is LocalActorRef local && ReferenceEquals(local.Cell.Parent, _self))
        {
            OnChildTerminated(local);
        }

        if (_watching.Remove(actor) && !_isTerminating)
        {
            // Delivered as a user message, in order with the others; Invoke drops it if an
            // Unwatch comes first.
            _terminatedQueued.Add(actor);
            _self.Tell(new Terminated(actor, notification.ExistenceConfirmed, notification.AddressTerminated), actor);
        }
    }

    private void NotifyWatchersAndUnwatchAll()
    {
        foreach (var watcher in _watchedBy)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(Self, existenceConfirmed: true, addressTerminated: false));
        }

        _watchedBy.Clear();
        foreach (var watched in _watching)
        {
            if (watched is IInternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(target, _self));
            }
        }

        _watching.Clear();
        _terminatedQueued.Clear();
    }
}
