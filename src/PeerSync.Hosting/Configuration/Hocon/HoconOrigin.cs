namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>
/// Where a token or value came from: a source name (the file path as it was given, or the name of
/// a text source) and a 1-based line and column. Columns count UTF-16 code units and a tab counts
/// as one column. Values that come from outside any text (environment variables) have line 0.
/// </summary>
public readonly record struct HoconOrigin(string SourceName, int Line, int Column)
{
    internal static HoconOrigin External(string description) => new(description, 0, 0);

    /// <summary><c>file:line:column</c>, or just the source name for external values.</summary>
    public override string ToString() => Line > 0 ? $"{SourceName}:{Line}:{Column}" : SourceName;
}
