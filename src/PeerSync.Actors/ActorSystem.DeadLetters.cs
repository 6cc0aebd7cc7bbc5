using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

public sealed partial class ActorSystem
{
    private readonly object _deadLetterLogLock = new();
    private int _deadLettersLoggedInWindow;
    private DateTimeOffset _deadLetterLogPausedUntil;

    /// <summary>Reports a message that cannot be delivered: counted, published and (rate-limited) logged.</summary>
    public void DeadLetter(object message, IActorRef? sender, IActorRef recipient, string reason) =>
        PublishDeadLetter(new DeadLetter(message, sender, recipient, reason));

    internal void PublishDeadLetter(DeadLetter letter)
    {
        Interlocked.Increment(ref _deadLetterCount);
        EventStream.Publish(letter);
        LogDeadLetter(letter);
    }

    /// <summary>
    /// A system message reached an actor that has stopped. A watch is answered at once with a
    /// Terminated (the actor no longer exists); the rest has nobody left to act on it.
    /// </summary>
    internal void SystemMessageToDeadActor(IActorRef deadActor, SystemMessage message)
    {
        if (message is Watch watch && watch.Watchee.Equals(deadActor) && !watch.Watcher.Equals(deadActor))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(deadActor, existenceConfirmed: false, addressTerminated: false));
        }
    }

    private void LogDeadLetter(DeadLetter letter)
    {
        var limit = Settings.LogDeadLetters;
        if (limit == 0 || !Log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        bool pauseNow;
        lock (_deadLetterLogLock)
        {
            var now = TimeProvider.GetUtcNow();
            if (now < _deadLetterLogPausedUntil)
            {
                return;
            }

            _deadLettersLoggedInWindow++;
            pauseNow = _deadLettersLoggedInWindow >= limit;
            if (pauseNow)
            {
                _deadLettersLoggedInWindow = 0;
                _deadLetterLogPausedUntil = now + Settings.LogDeadLettersSuspendDuration;
            }
        }

        Log.LogInformation(
            "Dead letter {MessageType} from {Sender} to {Recipient}: {Reason}",
            letter.Message.GetType().Name,
            letter.Sender?.Path.ToString() ?? "no sender",
            letter.Recipient.Path.ToString(),
            letter.Reason);
        if (pauseNow)
        {
            Log.LogInformation(
                "Dead letter logging paused for {Pause} after {Count} lines; {Total} dead letters so far (they are still counted and published)",
                Settings.LogDeadLettersSuspendDuration, limit, DeadLetterCount);
        }
    }
}
