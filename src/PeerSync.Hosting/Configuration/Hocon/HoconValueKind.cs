namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>The JSON type of a resolved HOCON value.</summary>
public enum HoconValueKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}
