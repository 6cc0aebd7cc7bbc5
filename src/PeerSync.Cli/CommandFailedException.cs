namespace PeerSync.Cli;

/// <summary>A command failed for a reason of its own (unreadable file, invalid JSON value): exit code 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
