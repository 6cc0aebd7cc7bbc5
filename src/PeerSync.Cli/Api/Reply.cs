using System.Text.Json;

namespace PeerSync.Cli.Api;

/// <summary>A typed answer with the JSON it came from, so `--json` can print exactly what the node said.</summary>
public sealed record Reply<T>(T Value, JsonElement Json);
