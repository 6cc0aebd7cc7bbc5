using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Persistence.Model;

namespace PeerSync.Persistence;

public abstract partial class PersistentActor
{
    private CancellationTokenSource? _recoveryCancellation;

    // The decoded event whose recovery handler is running, reported with a failure it causes.
    private object? _replayingEvent;

    /// <summary>
    /// Recovery failed: <paramref name="cause"/> (a <see cref="RecoveryFailedException"/>) names the
    /// persistence id, the sequence nr and the reason; <paramref name="event"/> is the decoded event
    /// being replayed, if any. The default logs an error. The actor is stopped after this call
    /// whatever it does: running on a partly recovered state would be wrong.
    /// </summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event)
    {
        ArgumentNullException.ThrowIfNull(cause);
        var failure = cause as RecoveryFailedException;
        PersistentActorLog.RecoveryFailed(Log, cause, _id.ToString(), failure?.SequenceNr ?? LastSequenceNr, failure?.Reason ?? cause.Message);
    }

    private void StartRecovery()
    {
        _registrationOpen = false;
        _building = null;
        var extension = Persistence;
        var id = PersistenceId;
        if (id.Value is null)
        {
            throw new InvalidOperationException($"{GetType().Name}.PersistenceId is the default value; return one made with PersistenceId.Parse");
        }

        _id = id;
        var recovery = Recovery ?? throw new InvalidOperationException($"{GetType().Name}.Recovery returned null");
        _recoveryCancellation = new CancellationTokenSource();
        var token = _recoveryCancellation.Token;
        RunTask(() => RecoverAsync(extension, recovery, token));
    }

    /// <summary>
    /// Runs under RunTask, so commands wait until it is done and every await resumes on the actor:
    /// wait for writes an earlier incarnation left in flight, take a recovery permit, offer the
    /// snapshot, replay, then hand RecoveryCompleted to the command handlers.
    /// </summary>
    private async Task RecoverAsync(PersistenceExtension extension, Recovery recovery, CancellationToken token)
    {
        var time = Context.System.TimeProvider;
        var started = time.GetTimestamp();
        long snapshotSequenceNr = 0;
        long replayed = 0;
        try
        {
            await extension.WhenWritesSettled(_id);
            if (_phase == Phase.Recovering)
            {
                // Returned below when recovery ends, or by Retire if the actor stops before that.
                await extension.RecoveryPermits.AcquireAsync(this);
            }

            if (_phase == Phase.Recovering)
            {
                snapshotSequenceNr = await RecoverSnapshotAsync(recovery, token);
            }

            if (_phase == Phase.Recovering)
            {
                replayed = await ReplayEventsAsync(recovery, token);
            }

            if (_phase != Phase.Recovering)
            {
                // Stopped or restarted meanwhile; Retire returned the permit.
                return;
            }
        }
        catch (Exception e) when (_phase == Phase.Recovering)
        {
            extension.RecoveryPermits.Release(this);
            FailRecovery(e as RecoveryFailedException ?? new RecoveryFailedException(_id, LastSequenceNr, e.Message, e), _replayingEvent);
            return;
        }
        catch (Exception) when (_phase == Phase.Retired)
        {
            // The actor stopped (or restarted) during recovery and cancelled the reads on purpose.
            // Nothing may escape: the task belongs to the cell, so a fault would fail the next
            // incarnation.
            return;
        }

        extension.RecoveryPermits.Release(this);
        _phase = Phase.Processing;
        PersistentActorLog.Recovered(Log, _id.ToString(), LastSequenceNr, snapshotSequenceNr, replayed, time.GetElapsedTime(started));
        _origin = new Envelope(RecoveryCompleted.Instance, null);
        RunOnBehalfOf(RecoveryCompleted.Instance, null, () => _commands.TryHandle(RecoveryCompleted.Instance));
        Flush();
        Drain();
        if (NeedsHold())
        {
            await PumpAsync();
        }
        else if (_phase == Phase.Processing)
        {
            ArmTrigger();
        }
    }

    /// <summary>
    /// Reads the highest sequence nr (which also lifts the journal's write fence after a failed
    /// write), replays the events after the snapshot through the recovery handlers, and leaves
    /// <see cref="LastSequenceNr"/> at the highest stored. Returns the number of events replayed.
    /// </summary>
    private async Task<long> ReplayEventsAsync(Recovery recovery, CancellationToken token)
    {
        long highest;
        try
        {
            highest = await Journal.ReadHighestSequenceNrAsync(_id, LastSequenceNr, token);
        }
        catch (Exception e) when (_phase == Phase.Recovering)
        {
            throw new RecoveryFailedException(_id, LastSequenceNr, $"reading the highest sequence nr failed: {e.Message}", e);
        }

        var replayed = 0L;
        var to = Math.Min(highest, recovery.ToSequenceNr);
        if (to > LastSequenceNr && recovery.ReplayMax > 0 && _phase == Phase.Recovering)
        {
            await using var events = Journal.ReplayAsync(_id, LastSequenceNr + 1, to, recovery.ReplayMax, token).GetAsyncEnumerator(token);
            while (await NextAsync(events))
            {
                if (_phase != Phase.Recovering)
                {
                    return replayed;
                }

                var repr = events.Current;
                var decoded = Decode(repr.Payload, repr.SequenceNr, "event");
                LastSequenceNr = repr.SequenceNr;
                _replayingEvent = decoded;
                Replay(decoded, repr.SequenceNr);
                _replayingEvent = null;
                replayed++;
            }
        }

        LastSequenceNr = Math.Max(LastSequenceNr, highest);
        _nextSequenceNr = LastSequenceNr + 1;
        return replayed;

        async ValueTask<bool> NextAsync(IAsyncEnumerator<PersistentRepr> events)
        {
            try
            {
                return await events.MoveNextAsync();
            }
            catch (Exception e) when (_phase == Phase.Recovering && e is not RecoveryFailedException)
            {
                throw new RecoveryFailedException(_id, LastSequenceNr + 1, $"replaying events from sequence nr {LastSequenceNr + 1} failed: {e.Message}", e);
            }
        }
    }

    /// <summary>Loads and offers the snapshot recovery starts from; returns its sequence nr (0: none).</summary>
    private async Task<long> RecoverSnapshotAsync(Recovery recovery, CancellationToken token)
    {
        var criteria = recovery.FromSnapshot.Limit(recovery.ToSequenceNr);
        if (criteria.MaxSequenceNr < criteria.MinSequenceNr)
        {
            return 0;
        }

        SelectedSnapshot? selected;
        try
        {
            selected = await SnapshotStore.LoadAsync(_id, criteria, token);
        }
        catch (Exception e) when (_phase == Phase.Recovering)
        {
            throw new RecoveryFailedException(_id, 0, $"loading the snapshot failed: {e.Message}", e);
        }

        if (selected is null || _phase != Phase.Recovering)
        {
            return 0;
        }

        var sequenceNr = selected.Metadata.SequenceNr;
        var state = Decode(selected.Snapshot, sequenceNr, "snapshot");
        LastSequenceNr = sequenceNr;
        Replay(new SnapshotOffer(selected.Metadata, state), sequenceNr);
        return sequenceNr;
    }

    private object Decode(SerializedPayload payload, long sequenceNr, string what)
    {
        try
        {
            return Serialization.Deserialize(payload);
        }
        catch (Exception e)
        {
            throw new RecoveryFailedException(
                _id, sequenceNr, $"the stored {what} (serializer id {payload.SerializerId}, manifest '{payload.Manifest}', {payload.Bytes.Length} bytes) could not be decoded: {e.Message}", e);
        }
    }

    private void Replay(object message, long sequenceNr)
    {
        bool handled;
        try
        {
            handled = _recoveryHandlers.TryHandle(message);
        }
        catch (Exception e)
        {
            throw new RecoveryFailedException(_id, sequenceNr, $"the recovery handler for {message.GetType().Name} threw {e.GetType().Name}: {e.Message}", e);
        }

        if (!handled)
        {
            Unhandled(message);
        }
    }

    private void FailRecovery(RecoveryFailedException failure, object? @event)
    {
        _phase = Phase.Stopping;
        try
        {
            OnRecoveryFailure(failure, @event);
        }
        finally
        {
            Context.Stop(Self);
        }
    }
}
