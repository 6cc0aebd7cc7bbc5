using System.Text.Json;
using System.Text.Json.Serialization;
using PeerSync.Cli.Api.Model;

namespace PeerSync.Cli.Api;

/// <summary>
/// Source-generated (de)serializers for the contract's shapes: web defaults (camelCase names,
/// case-insensitive reads); `required` members make an answer that lacks them malformed.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClusterState))]
[JsonSerializable(typeof(MemberEvent))]
[JsonSerializable(typeof(MemberChange))]
[JsonSerializable(typeof(RecordEntry))]
[JsonSerializable(typeof(RecordWritten))]
[JsonSerializable(typeof(RecordPage))]
[JsonSerializable(typeof(IReadOnlyList<SyncPeer>))]
[JsonSerializable(typeof(SyncStatus))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(ActorInfo))]
[JsonSerializable(typeof(LogPage))]
[JsonSerializable(typeof(Problem))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
