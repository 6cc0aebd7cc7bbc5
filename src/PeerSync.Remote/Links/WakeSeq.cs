using System.Globalization;

namespace PeerSync.Remote.Links;

/// <summary>
/// The number the links actor gives each message that can wake a dormant link (a session offer or a
/// connect), counted per link from 1. A link reports in <see cref="LinkStopped"/> the last one it
/// handled, which tells the links actor whether a wake was still on its way when the link stopped
/// (see docs/design/remote-links.md, "Link supervision"). <see cref="None"/>: nothing sent yet.
/// </summary>
internal readonly record struct WakeSeq(long Value) : IComparable<WakeSeq>
{
    public static WakeSeq None => default;

    public WakeSeq Next() => new(checked(Value + 1));

    public int CompareTo(WakeSeq other) => Value.CompareTo(other.Value);

    public static bool operator <(WakeSeq left, WakeSeq right) => left.Value < right.Value;

    public static bool operator >(WakeSeq left, WakeSeq right) => left.Value > right.Value;

    public static bool operator <=(WakeSeq left, WakeSeq right) => left.Value <= right.Value;

    public static bool operator >=(WakeSeq left, WakeSeq right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
