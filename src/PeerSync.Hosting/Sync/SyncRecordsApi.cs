using System.Runtime.CompilerServices;
using PeerSync.Hosting.Api;
using PeerSync.Sync.Host;
using PeerSync.Sync.Records;
using PeerSync.Sync.Storage;

namespace PeerSync.Hosting.Sync;

/// <summary>
/// <see cref="IRecordsApi"/> over a <see cref="SyncHost"/>: names are validated here (400 with the
/// rule), writes go through the coordinator (503 until ready, 409 for a non-owner), reads go to the
/// record store directly.
/// </summary>
internal sealed class SyncRecordsApi(SyncHost host) : IRecordsApi
{
    public async Task<WriteResultView> PutAsync(string collection, string key, string valueJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(valueJson);
        var (c, k) = (Collection(collection), Key(key));
        return await WriteAsync(c, k, valueJson, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecordView?> GetAsync(string collection, string key, CancellationToken cancellationToken)
    {
        var record = await host.Store.GetAsync(Collection(collection), Key(key), cancellationToken).ConfigureAwait(false);
        return record is null ? null : View(record);
    }

    public async Task<WriteResultView?> DeleteAsync(string collection, string key, CancellationToken cancellationToken)
    {
        var (c, k) = (Collection(collection), Key(key));
        if (await host.Store.GetAsync(c, k, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return await WriteAsync(c, k, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecordPageView> ListAsync(string collection, string? after, int limit, CancellationToken cancellationToken)
    {
        var c = Collection(collection);
        var from = after is null ? (RecordKey?)null : Key(after);
        var page = await host.Store.ListAsync(c, from, limit, cancellationToken).ConfigureAwait(false);
        return new RecordPageView([.. page.Items.Select(View)], page.Next?.Value);
    }

    public async Task<DigestView> DigestAsync(string collection, CancellationToken cancellationToken)
    {
        var digest = await host.Store.GetCollectionDigestAsync(Collection(collection), cancellationToken).ConfigureAwait(false);
        return new DigestView(digest.Collection.Value, digest.Count, digest.HashHex);
    }

    // The host's feed is created now, so "from now" (since = null) means the moment of this call.
    public IAsyncEnumerable<ChangeView> ChangesAsync(long? since, CancellationToken cancellationToken) =>
        Views(host.ChangesAsync(since, cancellationToken), cancellationToken);

    private static async IAsyncEnumerable<ChangeView> Views(IAsyncEnumerable<AppliedChange> changes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in changes.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var v = change.Version;
            yield return new ChangeView(change.Position, v.Collection.Value, v.Key.Value, v.Value, v.Deleted, v.Stamp.Hlc.ToString(), v.Stamp.Origin.Node.Value);
        }
    }

    private async Task<WriteResultView> WriteAsync(CollectionName collection, RecordKey key, string? valueJson, CancellationToken cancellationToken)
    {
        LocalWriteOutcome outcome;
        try
        {
            outcome = await host.WriteAsync(collection, key, valueJson, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncNotReadyException e)
        {
            throw new NodeNotReadyException(e.Message);
        }

        if (outcome.Written is { } written)
        {
            return new WriteResultView(written.Collection.Value, written.Key.Value, written.Stamp.Hlc.ToString(), written.Stamp.Origin.Node.Value);
        }

        if (outcome.Refusal == LocalWriteRefusal.NotOwner)
        {
            var current = await host.Store.GetVersionAsync(collection, key, cancellationToken).ConfigureAwait(false);
            throw new RecordNotOwnedException(collection.Value, key.Value, current?.Stamp.Origin.Node.Value ?? "another node");
        }

        throw new InvalidOperationException($"write of {collection}/{key} refused ({outcome.Refusal}): {outcome.Reason}");
    }

    private static RecordView View(RecordVersion record) =>
        new(record.Collection.Value, record.Key.Value, record.Value ?? "null", record.Stamp.Hlc.ToString(), record.Stamp.Origin.Node.Value);

    private static CollectionName Collection(string name) =>
        CollectionName.TryParse(name, out var parsed, out var error) ? parsed : throw new InvalidNameException(error);

    private static RecordKey Key(string key) =>
        RecordKey.TryParse(key, out var parsed, out var error) ? parsed : throw new InvalidNameException(error);
}
