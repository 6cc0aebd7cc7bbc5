namespace PeerSync.Cli.Tests.Fakes;

/// <summary>A request as the fake node received it; <see cref="RawTarget"/> is the path and query exactly as sent.</summary>
internal sealed record FakeRequest(string Method, string RawTarget, string? Authorization, string? LastEventId, string Body);
