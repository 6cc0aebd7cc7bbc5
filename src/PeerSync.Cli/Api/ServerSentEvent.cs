namespace PeerSync.Cli.Api;

/// <summary>One dispatched Server-Sent Event: its type (`message` when unnamed), data lines joined by '\n', and last id.</summary>
public sealed record ServerSentEvent(string EventType, string Data, string? Id);
