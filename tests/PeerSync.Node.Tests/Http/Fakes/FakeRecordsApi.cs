using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PeerSync.Hosting.Api;

namespace PeerSync.Node.Tests.Http.Fakes;

/// <summary>
/// Records kept ordinal-sorted per collection; every write is also a change with the next
/// position, delivered to open change feeds after the retained ones they asked for.
/// </summary>
internal sealed class FakeRecordsApi : IRecordsApi
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, RecordView>> _collections = new(StringComparer.Ordinal);
    private readonly List<ChangeView> _changes = [];
    private readonly List<Channel<ChangeView>> _feeds = [];
    private readonly TaskCompletionSource _writeEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    /// <summary>"collection/key" pairs owned by node n2: writes are RecordNotOwnedException.</summary>
    public HashSet<string> OwnedElsewhere { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, writes throw NodeNotReadyException with this reason.</summary>
    public string? NotReadyReason { get; set; }

    /// <summary>When set, every call throws it (the unexpected-failure path).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Writes wait until cancelled (the request-timeout path); <see cref="WriteEntered"/> completes when one waits.</summary>
    public bool HoldWrites { get; set; }

    public Task WriteEntered => _writeEntered.Task;

    public (string Collection, string Key, string ValueJson)? LastPut { get; private set; }

    public (string Collection, string? After, int Limit)? LastList { get; private set; }

    /// <summary>The `since` each feed was opened with, in order.</summary>
    public List<long?> FeedsOpened { get; } = [];

    /// <summary>Completes when a change feed's enumeration ends (cancelled by the client's departure or the server's stop).</summary>
    public TaskCompletionSource FeedEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a change feed is subscribed (after the stream's headers went out).</summary>
    public TaskCompletionSource FeedOpened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string collection, string key, string valueJson, string origin = "n2")
    {
        lock (_gate)
        {
            Collection(collection)[key] = new RecordView(collection, key, valueJson, NextVersion(), origin);
        }
    }

    /// <summary>Appends a change and delivers it to every open feed.</summary>
    public ChangeView Publish(string collection, string key, string? valueJson, string origin = "n2")
    {
        lock (_gate)
        {
            var change = new ChangeView(_changes.Count + 1, collection, key, valueJson, valueJson is null, NextVersion(), origin);
            _changes.Add(change);
            foreach (var feed in _feeds)
            {
                feed.Writer.TryWrite(change);
            }

            return change;
        }
    }

    public async Task<WriteResultView> PutAsync(string collection, string key, string valueJson, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (HoldWrites)
        {
            _writeEntered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (NotReadyReason is { } reason)
        {
            throw new NodeNotReadyException(reason);
        }

        if (OwnedElsewhere.Contains($"{collection}/{key}"))
        {
            throw new RecordNotOwnedException(collection, key, "n2");
        }

        lock (_gate)
        {
            LastPut = (collection, key, valueJson);
            var record = new RecordView(collection, key, valueJson, NextVersion(), "n1");
            Collection(collection)[key] = record;
            return new WriteResultView(collection, key, record.Version, record.Origin);
        }
    }

    public Task<RecordView?> GetAsync(string collection, string key, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            return Task.FromResult(Collection(collection).GetValueOrDefault(key));
        }
    }

    public Task<WriteResultView?> DeleteAsync(string collection, string key, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (OwnedElsewhere.Contains($"{collection}/{key}"))
        {
            throw new RecordNotOwnedException(collection, key, "n2");
        }

        lock (_gate)
        {
            if (!Collection(collection).Remove(key))
            {
                return Task.FromResult<WriteResultView?>(null);
            }

            return Task.FromResult<WriteResultView?>(new WriteResultView(collection, key, NextVersion(), "n1"));
        }
    }

    public Task<RecordPageView> ListAsync(string collection, string? after, int limit, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            LastList = (collection, after, limit);
            var candidates = Collection(collection).Values.Where(r => after is null || string.CompareOrdinal(r.Key, after) > 0).ToList();
            var items = candidates.Take(limit).ToList();
            var next = candidates.Count > limit ? items[^1].Key : null;
            return Task.FromResult(new RecordPageView(items, next));
        }
    }

    public Task<DigestView> DigestAsync(string collection, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            var records = Collection(collection);
            return Task.FromResult(new DigestView(collection, records.Count, records.Count == 0 ? "0" : "9f86d081884c7d65"));
        }
    }

    public async IAsyncEnumerable<ChangeView> ChangesAsync(long? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        var feed = Channel.CreateUnbounded<ChangeView>();
        List<ChangeView> retained;
        lock (_gate)
        {
            FeedsOpened.Add(since);
            retained = since is { } from ? _changes.Where(c => c.Position > from).ToList() : [];
            _feeds.Add(feed);
        }

        FeedOpened.TrySetResult();
        try
        {
            foreach (var change in retained)
            {
                yield return change;
            }

            await foreach (var change in feed.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate)
            {
                _feeds.Remove(feed);
            }

            FeedEnded.TrySetResult();
        }
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    private string NextVersion() => string.Create(CultureInfo.InvariantCulture, $"1740823200000.{++_version}");

    private SortedDictionary<string, RecordView> Collection(string name)
    {
        if (!_collections.TryGetValue(name, out var records))
        {
            records = new SortedDictionary<string, RecordView>(StringComparer.Ordinal);
            _collections[name] = records;
        }

        return records;
    }
}
