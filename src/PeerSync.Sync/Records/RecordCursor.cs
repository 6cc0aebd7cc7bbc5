namespace PeerSync.Sync.Records;

/// <summary>A position in the (collection, key) order, ordinal on both parts.</summary>
public readonly record struct RecordCursor(CollectionName Collection, RecordKey Key) : IComparable<RecordCursor>
{
    public int CompareTo(RecordCursor other)
    {
        var byCollection = Collection.CompareTo(other.Collection);
        return byCollection != 0 ? byCollection : Key.CompareTo(other.Key);
    }

    public static bool operator <(RecordCursor left, RecordCursor right) => left.CompareTo(right) < 0;

    public static bool operator >(RecordCursor left, RecordCursor right) => left.CompareTo(right) > 0;

    public static bool operator <=(RecordCursor left, RecordCursor right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RecordCursor left, RecordCursor right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Collection}/{Key}";
}
