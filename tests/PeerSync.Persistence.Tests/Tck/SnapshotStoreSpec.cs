using System.Text;
using PeerSync.Persistence.Model;
using static PeerSync.Persistence.Tests.Tck.TestEvents;
using PeerSync.Actors.Serialization;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>The snapshot store conformance suite, run unchanged against every provider.</summary>
public abstract class SnapshotStoreSpec : StoreSpec
{
    private static readonly PersistenceId A = Id("snap-a");
    private static readonly PersistenceId B = Id("snap-b");

    private static SerializedPayload State(string text) => new(11, "test.State.v2", Encoding.UTF8.GetBytes(text));

    /// <summary>Snapshots of A at sequence nrs 10, 20, 30, 40 taken at 1000, 2000, 3000, 4000 ms.</summary>
    private async Task SaveFourAsync()
    {
        for (var i = 1; i <= 4; i++)
        {
            await Snapshots.SaveAsync(new SnapshotMetadata(A, i * 10, i * 1000), State($"state-{i * 10}"));
        }
    }

    [StoreFact]
    public async Task Load_returns_null_when_the_id_has_no_snapshot()
    {
        Assert.Null(await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Load_returns_the_newest_snapshot_with_its_metadata_and_bytes()
    {
        await SaveFourAsync();
        await Snapshots.SaveAsync(new SnapshotMetadata(B, 99, 5), State("other id"));

        var loaded = await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest);

        Assert.NotNull(loaded);
        Assert.Equal(new SnapshotMetadata(A, 40, 4000), loaded.Metadata);
        Assert.Equal(State("state-40"), loaded.Snapshot);
    }

    [StoreFact]
    public async Task Load_picks_the_newest_snapshot_within_the_criteria()
    {
        await SaveFourAsync();

        Assert.Equal(30, (await Snapshots.LoadAsync(A, new SnapshotSelectionCriteria(maxSequenceNr: 35, maxTimestampMs: long.MaxValue)))?.Metadata.SequenceNr);
        Assert.Equal(20, (await Snapshots.LoadAsync(A, new SnapshotSelectionCriteria(long.MaxValue, maxTimestampMs: 2500)))?.Metadata.SequenceNr);
        Assert.Equal(20, (await Snapshots.LoadAsync(A, new SnapshotSelectionCriteria(30, 4000, minSequenceNr: 15, minTimestampMs: 1500).Limit(25)))?.Metadata.SequenceNr);
        Assert.Null(await Snapshots.LoadAsync(A, new SnapshotSelectionCriteria(long.MaxValue, long.MaxValue, minSequenceNr: 41)));
        Assert.Null(await Snapshots.LoadAsync(A, new SnapshotSelectionCriteria(long.MaxValue, long.MaxValue, minTimestampMs: 4001)));
        Assert.Null(await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.None));
        Assert.Null(await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest.Limit(9)));
    }

    [StoreFact]
    public async Task Save_replaces_a_snapshot_with_the_same_id_and_sequence_nr()
    {
        await Snapshots.SaveAsync(new SnapshotMetadata(A, 5, 100), State("first"));
        await Snapshots.SaveAsync(new SnapshotMetadata(A, 5, 200), State("second"));

        var loaded = await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest);

        Assert.Equal(new SelectedSnapshot(new SnapshotMetadata(A, 5, 200), State("second")), loaded);
    }

    [StoreFact]
    public async Task Delete_by_metadata_removes_only_that_snapshot()
    {
        await SaveFourAsync();

        await Snapshots.DeleteAsync(new SnapshotMetadata(A, 40, 4000));
        await Snapshots.DeleteAsync(new SnapshotMetadata(B, 40, 4000));

        Assert.Equal(30, (await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
        Assert.Equal(10, (await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest.Limit(10)))?.Metadata.SequenceNr);
    }

    [StoreFact]
    public async Task Delete_by_criteria_removes_the_matching_snapshots_of_that_id_only()
    {
        await SaveFourAsync();
        await Snapshots.SaveAsync(new SnapshotMetadata(B, 20, 2000), State("b"));

        await Snapshots.DeleteAsync(A, new SnapshotSelectionCriteria(maxSequenceNr: 30, maxTimestampMs: long.MaxValue, minSequenceNr: 20));

        Assert.Equal(40, (await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
        Assert.Equal(10, (await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest.Limit(39)))?.Metadata.SequenceNr);
        Assert.Equal(20, (await Snapshots.LoadAsync(B, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);

        await Snapshots.DeleteAsync(A, SnapshotSelectionCriteria.Latest);
        Assert.Null(await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Snapshots_of_many_ids_saved_concurrently_are_all_kept()
    {
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            for (var seq = 1; seq <= 5; seq++)
            {
                await Snapshots.SaveAsync(new SnapshotMetadata(Id($"snap-c-{i}"), seq, seq), State($"{i}:{seq}"));
            }
        })));

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(State($"{i}:5"), (await Snapshots.LoadAsync(Id($"snap-c-{i}"), SnapshotSelectionCriteria.Latest))?.Snapshot);
        }
    }

    [StoreFact]
    public async Task Snapshots_survive_closing_and_reopening_the_store()
    {
        await Snapshots.SaveAsync(new SnapshotMetadata(A, 7, 70), State("kept"));

        await ReopenAsync();

        Assert.Equal(State("kept"), (await Snapshots.LoadAsync(A, SnapshotSelectionCriteria.Latest))?.Snapshot);
    }

    [StoreFact]
    public async Task Store_rejects_missing_arguments()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Snapshots.SaveAsync(null!, State("x")));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Snapshots.SaveAsync(new SnapshotMetadata(A, 1, 1), null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Snapshots.LoadAsync(A, null!));
        await Assert.ThrowsAsync<ArgumentException>(() => Snapshots.LoadAsync(default, SnapshotSelectionCriteria.Latest));
    }
}
