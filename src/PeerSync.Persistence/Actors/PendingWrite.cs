using PeerSync.Actors;

namespace PeerSync.Persistence;

/// <summary>
/// One Persist / PersistAll / PersistAsync / PersistAllAsync / DeferAsync call whose handlers have
/// not run yet: its events, the handler, the command it was made for (handlers run on its behalf,
/// so Sender is that command's sender) and, once issued, the journal write.
/// </summary>
internal sealed class PendingWrite
{
    public PendingWrite(object[] events, Action<object> handler, bool holdsCommands, bool deferred, in Envelope origin)
    {
        Events = events;
        Handler = handler;
        HoldsCommands = holdsCommands;
        Deferred = deferred;
        Origin = origin;
    }

    public object[] Events { get; }

    public Action<object> Handler { get; }

    /// <summary>Persist and PersistAll: the actor takes no command until the handlers have run.</summary>
    public bool HoldsCommands { get; }

    /// <summary>DeferAsync: nothing to write; the handler only keeps its place in the order.</summary>
    public bool Deferred { get; }

    public Envelope Origin { get; }

    /// <summary>The sequence nr of the first event (the one it would have had, for a rejected write).</summary>
    public long FirstSequenceNr { get; set; }

    /// <summary>The journal write; null for a deferred or rejected call.</summary>
    public Task? Write { get; set; }

    /// <summary>Why the events could not be serialized; the write was never issued.</summary>
    public Exception? Rejection { get; set; }

    public bool IsDone => Write is null || Write.IsCompleted;
}
