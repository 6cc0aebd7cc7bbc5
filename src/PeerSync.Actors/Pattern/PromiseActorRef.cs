namespace PeerSync.Actors;

/// <summary>
/// The temporary actor behind an Ask (`/temp/$n`): the first message told to it completes the
/// task; later ones are dead letters. It unregisters itself when completed or timed out.
/// </summary>
internal sealed class PromiseActorRef : ActorRefBase, IInternalActorRef
{
    private readonly ActorSystem _system;
    private readonly TaskCompletionSource<object> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private List<IInternalActorRef>? _watchers;

    public PromiseActorRef(ActorSystem system)
    {
        _system = system;
        Path = system.NewTempPath();
        system.RegisterTempActor(this);
        _result.Task.ContinueWith(
            static (_, state) => ((PromiseActorRef)state!).OnCompleted(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override ActorPath Path { get; }

    public Task<object> Result => _result.Task;

    public bool IsTerminated => _result.Task.IsCompleted;

    public ActorSystem System => _system;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var accepted = message is Status.Failure failure
            ? _result.TrySetException(failure.Cause)
            : _result.TrySetResult(message);
        if (!accepted)
        {
            _system.DeadLetter(message, sender, this, "a reply to an Ask that already completed or timed out");
        }
    }

    public void Fail(Exception exception) => _result.TrySetException(exception);

    public void SendSystemMessage(SystemMessage message)
    {
        if (message is not Watch watch)
        {
            return;
        }

        lock (_lock)
        {
            if (!_result.Task.IsCompleted)
            {
                (_watchers ??= []).Add(watch.Watcher);
                return;
            }
        }

        _system.SystemMessageToDeadActor(this, message);
    }

    private void OnCompleted()
    {
        _system.UnregisterTempActor(this);
        List<IInternalActorRef>? watchers;
        lock (_lock)
        {
            watchers = _watchers;
            _watchers = null;
        }

        foreach (var watcher in watchers ?? [])
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true, addressTerminated: false));
        }
    }
}
