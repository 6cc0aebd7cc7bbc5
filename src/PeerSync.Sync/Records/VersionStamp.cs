using PeerSync.Sync.Clock;

namespace PeerSync.Sync.Records;

/// <summary>
/// The version of a record: the HLC of the change that produced it and its origin. This is the
/// last-writer-wins order: HLC first, then node id, then data epoch. It is also the change's
/// position in its origin's stream (<see cref="Hlc"/> within <see cref="Origin"/>).
/// </summary>
public readonly record struct VersionStamp(Hlc Hlc, OriginId Origin) : IComparable<VersionStamp>
{
    public int CompareTo(VersionStamp other)
    {
        var byHlc = Hlc.CompareTo(other.Hlc);
        return byHlc != 0 ? byHlc : Origin.CompareTo(other.Origin);
    }

    public static bool operator <(VersionStamp left, VersionStamp right) => left.CompareTo(right) < 0;

    public static bool operator >(VersionStamp left, VersionStamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(VersionStamp left, VersionStamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(VersionStamp left, VersionStamp right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Hlc}/{Origin}";
}
