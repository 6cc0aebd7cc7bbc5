using PeerSync.Persistence.Model;

namespace PeerSync.Persistence.Tests.PersistentActors;

// Commands of NotesActor (in-process only, never serialized).
public sealed record Add(string Value);

public sealed record AddAll(params string[] Values);

public sealed record AddAsync(string Value);

public sealed record AddAllAsync(params string[] Values);

/// <summary>Persists an event type no serializer knows (the serialization-rejection path).</summary>
public sealed record AddUnserializable(string Value);

/// <summary>PersistAll of a note, an unserializable event and another note.</summary>
public sealed record AddAllWithUnserializable(string First, string Last);

/// <summary>Persists, and persists again from inside the handler (nested persist).</summary>
public sealed record AddNested(string Outer, string Inner);

/// <summary>PersistAsync each value, then DeferAsync a marker.</summary>
public sealed record AddAsyncThenDefer(string Marker, params string[] Values);

/// <summary>An async handler that awaits, then persists.</summary>
public sealed record AddAfterAwait(string Value, Task Before);

public sealed record Get;

public sealed record TakeSnapshot;

public sealed record DeleteEventsTo(long SequenceNr);

public sealed record DeleteSnapshotAt(long SequenceNr);

public sealed record DeleteSnapshotsMatching(SnapshotSelectionCriteria Criteria);

public sealed record Crash(string Reason);

/// <summary>From now on, Add commands go to the actor's own stash (IWithStash) instead of being persisted.</summary>
public sealed record HoldNotes;

/// <summary>Unstashes the held Add commands (they are persisted in order) and stops holding.</summary>
public sealed record ReleaseNotes;

// Replies and reports.

/// <summary>Reply to Add and friends, sent from the event handler.</summary>
public sealed record Added(string Value, long SequenceNr);

public sealed record State(IReadOnlyList<string> Values, long LastSequenceNr)
{
    public bool Equals(State? other) => other is not null && LastSequenceNr == other.LastSequenceNr && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Values.Count, LastSequenceNr);

    public override string ToString() => $"State([{string.Join(", ", Values)}], {LastSequenceNr})";
}

public sealed record Recovered(IReadOnlyList<string> Values, long LastSequenceNr)
{
    public bool Equals(Recovered? other) => other is not null && LastSequenceNr == other.LastSequenceNr && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Values.Count, LastSequenceNr);

    public override string ToString() => $"Recovered([{string.Join(", ", Values)}], {LastSequenceNr})";
}

public sealed record Offered(long SequenceNr, int Values);

public sealed record Rejected(string EventType, long SequenceNr, string Reason);

public sealed record WriteFailed(string EventType, long SequenceNr, string Reason);

public sealed record RecoveryFailure(Exception Cause, bool HadEvent);

public sealed record Deferred(string Marker, long LastSequenceNr);

/// <summary>An event no serializer is registered for.</summary>
public sealed record UnregisteredEvent(string Value);
