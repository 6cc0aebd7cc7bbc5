using System.Text.Json;
using System.Text.Json.Serialization;
using PeerSync.Hosting.Api;

namespace PeerSync.Node.Http.Json;

/// <summary>
/// Source-generated writers for the answers whose shape is a facade view (camelCase, nulls
/// written: `leader: null` is part of the contract). Records and changes carry raw JSON values and
/// are written by <see cref="ViewWriters"/> instead.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(NodeInfoView))]
[JsonSerializable(typeof(WriteResultView))]
[JsonSerializable(typeof(DigestView))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(MemberCommandView))]
[JsonSerializable(typeof(IReadOnlyList<SyncPeerView>))]
[JsonSerializable(typeof(SyncStatusView))]
[JsonSerializable(typeof(MemberEventBody))]
[JsonSerializable(typeof(LogPageBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
