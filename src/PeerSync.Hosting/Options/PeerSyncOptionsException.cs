namespace PeerSync.Hosting.Options;

/// <summary>
/// The configuration cannot be bound or is not valid. <see cref="Problems"/> holds one line per
/// problem, each starting with the full key (`peersync.remote.port: ...`) and saying what to do.
/// </summary>
public sealed class PeerSyncOptionsException : Exception
{
    public PeerSyncOptionsException(IReadOnlyList<string> problems)
        : base(Describe(problems)) => Problems = problems;

    public PeerSyncOptionsException()
        : this(Array.Empty<string>())
    {
    }

    public PeerSyncOptionsException(string message)
        : base(message) => Problems = [message];

    public PeerSyncOptionsException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    /// <summary>Every problem found, in key order; never empty when thrown by PeerSync.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "invalid PeerSync configuration",
            1 => problems[0],
            _ => $"{problems.Count} configuration problems:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems),
        };
    }
}
