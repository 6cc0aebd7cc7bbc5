using Google.Protobuf;
using PeerSync.Persistence.Tests.PersistentActors.Protos;
using PeerSync.Persistence.Tests.Tck;
using Xunit.Abstractions;

namespace PeerSync.Persistence.Tests.PersistentActors;

/// <summary>
/// Rows written straight into a SQL provider's journal table (as a newer build, a bad migration or
/// a hand edit would leave them), which recovery must refuse with the id and sequence nr.
/// </summary>
public abstract class SqlPersistentActorSpec(ITestOutputHelper output) : PersistentActorSpec(output)
{
    /// <summary>A SQL literal for <paramref name="bytes"/> in the provider's dialect.</summary>
    protected abstract string BytesLiteral(byte[] bytes);

    [StoreFact]
    public async Task A_row_inserted_by_hand_with_garbage_bytes_or_an_unknown_manifest_fails_recovery_naming_id_and_sequence_nr()
    {
        var good = new NoteAdded { Value = "fine" }.ToByteArray();
        await InsertAsync("raw-bytes", 1, NotesActor.NoteManifest, [0x0A, 0xFF, 0x01]);
        await InsertAsync("raw-manifest", 1, NotesActor.NoteManifest, good);
        await InsertAsync("raw-manifest", 2, NotesActor.NoteManifest, good);
        await InsertAsync("raw-manifest", 3, "peersync.persistence.tests.NoteAddedV9", good);

        ExpectRecoveryFailure("raw-bytes", 1, "does not decode");
        ExpectRecoveryFailure("raw-manifest", 3, "unknown protobuf manifest 'peersync.persistence.tests.NoteAddedV9'");
    }

    private Task InsertAsync(string persistenceId, long sequenceNr, string manifest, byte[] payload) =>
        Target.ExecuteSqlAsync(
            "INSERT INTO journal (persistence_id, sequence_nr, serializer_id, manifest, payload, timestamp_ms, writer_id) "
            + $"VALUES ('{persistenceId}', {sequenceNr}, 1, '{manifest}', {BytesLiteral(payload)}, 0, 'by-hand')");
}
