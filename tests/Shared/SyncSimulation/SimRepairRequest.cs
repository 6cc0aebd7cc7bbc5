using PeerSync.Sync.Host;
using PeerSync.Sync.Records;

namespace PeerSync.Tests.SyncSimulation;

/// <summary>
/// The one simulated sync message that is not the host's own <see cref="SyncInbound"/>: all pulls of
/// an anti-entropy round in one message, where the SyncCoordinator sends an <see cref="InRepairRequest"/>
/// per collection. Kept so because every send draws from the simulated network's random stream:
/// sending the pulls apart would change the trace of every recorded seed.
/// </summary>
internal sealed record SimRepairRequest(long RoundId, IReadOnlyList<(CollectionName Collection, IReadOnlyList<RecordKey> Keys)> Keys) : SyncInbound;
