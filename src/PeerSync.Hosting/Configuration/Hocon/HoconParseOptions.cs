namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>How HOCON text is read. The defaults read the real process environment.</summary>
public sealed class HoconParseOptions
{
    /// <summary>Options with the defaults: the process environment, no base directory.</summary>
    public static HoconParseOptions Default { get; } = new();

    /// <summary>
    /// Looks up an environment variable for a substitution that the configuration does not define
    /// (<c>${?HOME}</c>, <c>${?PEERSYNC_SECRET}</c>); returns null when it is not set. The variable
    /// name is the substitution's path with its elements joined by '.'. Defaults to
    /// <see cref="Environment.GetEnvironmentVariable(string)"/>; tests inject a dictionary lookup.
    /// </summary>
    public Func<string, string?> EnvironmentLookup { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The directory that relative includes in text sources (<see cref="HoconLoader.Parse"/>) are
    /// resolved against. Files resolve includes against their own directory and ignore this. When
    /// null, a relative include in a text source is an error: the spec forbids falling back to the
    /// process's current directory.
    /// </summary>
    public string? BaseDirectory { get; init; }
}
