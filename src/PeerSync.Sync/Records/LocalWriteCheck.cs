namespace PeerSync.Sync.Records;

/// <summary>Why a local write was refused.</summary>
public enum LocalWriteRefusal
{
    None = 0,

    /// <summary>An owned record written by a node that does not own it (HTTP 409).</summary>
    NotOwner = 1,

    /// <summary>The stored record's kind differs from the collection's configured kind.</summary>
    KindMismatch = 2,

    /// <summary>Sequenced collections are written through the leader, not here.</summary>
    UnsupportedKind = 3,
}

/// <summary>The result of <see cref="MergeRules.CheckLocalWrite"/>.</summary>
public readonly record struct LocalWriteCheck(LocalWriteRefusal Refusal, string? Reason)
{
    public static readonly LocalWriteCheck Allowed = new(LocalWriteRefusal.None, null);

    public bool IsAllowed => Refusal == LocalWriteRefusal.None;

    public static LocalWriteCheck Refuse(LocalWriteRefusal refusal, string reason) => new(refusal, reason);
}
