namespace PeerSync.Cli.Api.Model;

/// <summary>
/// An `application/problem+json` error body (RFC 9457). The readiness probe answers 503 with
/// `{status, reason}` instead, so <see cref="Reason"/> is read too.
/// </summary>
public sealed record Problem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public string? Detail { get; init; }

    public string? Reason { get; init; }
}
