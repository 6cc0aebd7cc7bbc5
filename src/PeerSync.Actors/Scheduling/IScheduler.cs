namespace PeerSync.Actors;

/// <summary>
/// The system scheduler, for code outside actors or for messages to other actors. Inside an
/// actor prefer <see cref="ITimerScheduler"/>, whose timers stop with the actor.
/// </summary>
public interface IScheduler
{
    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null);

    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null);

    ICancelable ScheduleOnce(TimeSpan delay, Action action);
}

public interface ICancelable
{
    bool IsCancellationRequested { get; }

    void Cancel();
}
