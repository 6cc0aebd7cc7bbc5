namespace PeerSync.Cli;

/// <summary>
/// Bad usage found after parsing (a rule across options, a bad PSYNC_NODE): exit code 2, with the
/// message on stderr like a parse error.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
