using System.Text.Json.Nodes;

namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// A resolved HOCON value: every substitution, concatenation, merge and include has been worked
/// out, so the tree has exactly JSON's shape (<see cref="HoconObject"/>, <see cref="HoconArray"/>,
/// <see cref="HoconScalar"/>). Values are immutable and remember where they were defined.
/// </summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin) => Origin = origin;

    /// <summary>Where the value was defined (for a merged object: its last definition).</summary>
    public HoconOrigin Origin { get; }

    public abstract HoconValueKind Kind { get; }

    /// <summary>
    /// The value as System.Text.Json nodes. HOCON null becomes a null reference (JSON null); numbers
    /// keep their exact value (a number written <c>.5</c> or <c>007</c> becomes <c>0.5</c> or
    /// <c>7</c>, the nearest valid JSON spelling).
    /// </summary>
    public abstract JsonNode? ToJson();
}
