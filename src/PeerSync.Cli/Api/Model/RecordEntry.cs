using System.Text.Json;

namespace PeerSync.Cli.Api.Model;

/// <summary>A record as `GET /v1/collections/{c}/records/{key}` and list pages return it.</summary>
public sealed record RecordEntry
{
    public required string Collection { get; init; }

    public required string Key { get; init; }

    public required JsonElement Value { get; init; }

    /// <summary>Opaque but ordered per record: an HLC for shared collections, a number for owned ones.</summary>
    public required string Version { get; init; }

    public required string Origin { get; init; }

    public bool Deleted { get; init; }
}
