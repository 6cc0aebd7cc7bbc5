namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// A user batch that does not follow the layout in remote.proto (truncated, an undefined table id,
/// a definition out of order). The message names the problem; the connection closes with
/// MALFORMED_FRAME, because the compression tables can no longer be trusted.
/// </summary>
public sealed class BatchFormatException(string message) : Exception(message);
