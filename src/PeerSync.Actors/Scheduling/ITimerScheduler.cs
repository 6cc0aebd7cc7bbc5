namespace PeerSync.Actors;

/// <summary>
/// Per-actor timers, identified by key. Starting a timer with a key already in use replaces it;
/// a cancelled or replaced timer never delivers, even if its message was already queued. All
/// timers are cancelled when the actor stops or restarts. Use only from inside the actor.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();

    IReadOnlyCollection<object> ActiveTimers { get; }
}
