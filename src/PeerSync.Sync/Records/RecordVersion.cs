namespace PeerSync.Sync.Records;

/// <summary>
/// One version of a record, which is also one change: the unit stored, logged, sent and merged.
/// A delete is a version with <see cref="Deleted"/> set and no value (a tombstone).
/// </summary>
public sealed record RecordVersion(
    CollectionName Collection,
    RecordKey Key,
    CollectionKind Kind,
    bool Deleted,
    string? Value,
    VersionStamp Stamp)
{
    public RecordCursor Cursor => new(Collection, Key);

    /// <summary>Null when the version is well formed, else the problem (for data from the wire).</summary>
    public string? Validate()
    {
        if (Kind is not (CollectionKind.Shared or CollectionKind.Owned))
        {
            return $"record {Collection}/{Key} has kind {Kind}; only shared and owned records sync here";
        }

        if (Deleted)
        {
            return Value is null ? null : $"record {Collection}/{Key} is deleted but carries a value";
        }

        var error = RecordValue.Validate(Value);
        return error is null ? null : $"record {Collection}/{Key}: {error}";
    }

    public RecordVersion AsTombstone() => this with { Deleted = true, Value = null };
}
