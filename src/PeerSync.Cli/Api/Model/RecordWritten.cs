namespace PeerSync.Cli.Api.Model;

/// <summary>The answer to a put or a delete (a tombstone): the state the write produced.</summary>
public sealed record RecordWritten
{
    public required string Collection { get; init; }

    public required string Key { get; init; }

    public required string Version { get; init; }

    public required string Origin { get; init; }
}
