namespace PeerSync.Hosting.Configuration.Hocon;

internal enum IncludeKind
{
    /// <summary><c>include "name"</c>: a URL if it looks like one, else a file.</summary>
    Heuristic,
    File,
    Url,
    Classpath,
}

/// <summary>The argument of one include statement, and where the statement is.</summary>
internal sealed record IncludeSpec(IncludeKind Kind, string Name, bool Required, HoconOrigin Origin);
