using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PeerSync.Cli.Tests.Fakes;

/// <summary>The fake's record store: one ordinal-sorted map per collection, versions counting up.</summary>
internal sealed partial class FakeNode
{
    private readonly Dictionary<string, SortedDictionary<string, StoredRecord>> _collections = new(StringComparer.Ordinal);
    private readonly Lock _recordsGate = new();
    private long _nextVersion = 1;

    /// <summary>Keys ("collection/key") owned by another node: writes to them are 409.</summary>
    public HashSet<string> OwnedElsewhere { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, list pages always point to this `next`, to check the CLI refuses to loop.</summary>
    public string? StuckNext { get; set; }

    public void AddRecord(string collection, string key, string valueJson, string origin = "n2")
    {
        lock (_recordsGate)
        {
            Collection(collection)[key] = new StoredRecord(valueJson, NewVersion(), origin);
        }
    }

    public string? RecordValue(string collection, string key)
    {
        lock (_recordsGate)
        {
            return _collections.TryGetValue(collection, out var records) && records.TryGetValue(key, out var record) ? record.ValueJson : null;
        }
    }

    private Task ListRecordsAsync(HttpContext context, string collection)
    {
        var limit = 100;
        if (context.Request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            return ProblemAsync(context, 400, "Bad Request", $"limit '{limitText}' must be 1-1000");
        }

        var after = context.Request.Query.TryGetValue("after", out var afterText) ? afterText.ToString() : null;
        var items = new JsonArray();
        string? next;
        lock (_recordsGate)
        {
            var candidates = Collection(collection)
                .Where(r => after is null || string.CompareOrdinal(r.Key, after) > 0)
                .ToList();
            foreach (var (key, record) in candidates.Take(limit))
            {
                items.Add(RecordJson(collection, key, record, withValue: true));
            }

            next = candidates.Count > limit ? candidates[limit - 1].Key : null;
        }

        next = StuckNext ?? next;
        return JsonAsync(context, new JsonObject { ["items"] = items, ["next"] = next }.ToJsonString());
    }

    private Task RecordAsync(HttpContext context, string method, string collection, string key, string body)
    {
        lock (_recordsGate)
        {
            var records = Collection(collection);
            switch (method)
            {
                case "GET" when records.TryGetValue(key, out var found):
                    return JsonAsync(context, RecordJson(collection, key, found, withValue: true, deleted: false).ToJsonString());
                case "GET" or "DELETE" when !records.ContainsKey(key):
                    return ProblemAsync(context, 404, "Not Found", $"no record '{key}' in collection '{collection}'");
                case "PUT" or "DELETE" when OwnedElsewhere.Contains($"{collection}/{key}"):
                    return ProblemAsync(context, 409, "Conflict", $"{collection}/{key} is owned by n2; only its owner may change it");
                case "PUT":
                    try
                    {
                        using var _ = JsonDocument.Parse(body);
                    }
                    catch (JsonException)
                    {
                        return ProblemAsync(context, 400, "Bad Request", "the body is not valid JSON");
                    }

                    var stored = new StoredRecord(body, NewVersion(), "n1");
                    records[key] = stored;
                    return JsonAsync(context, RecordJson(collection, key, stored, withValue: false).ToJsonString());
                case "DELETE":
                    records.Remove(key);
                    return JsonAsync(context, RecordJson(collection, key, new StoredRecord("null", NewVersion(), "n1"), withValue: false).ToJsonString());
                default:
                    return ProblemAsync(context, 405, "Method Not Allowed", $"{method} is not allowed here");
            }
        }
    }

    private static JsonObject RecordJson(string collection, string key, StoredRecord record, bool withValue, bool? deleted = null)
    {
        var json = new JsonObject { ["collection"] = collection, ["key"] = key };
        if (withValue)
        {
            json["value"] = JsonNode.Parse(record.ValueJson);
        }

        json["version"] = record.Version;
        json["origin"] = record.Origin;
        if (deleted is { } d)
        {
            json["deleted"] = d;
        }

        return json;
    }

    private SortedDictionary<string, StoredRecord> Collection(string name)
    {
        if (!_collections.TryGetValue(name, out var records))
        {
            records = new SortedDictionary<string, StoredRecord>(StringComparer.Ordinal);
            _collections[name] = records;
        }

        return records;
    }

    private string NewVersion() => $"1740823200000.{_nextVersion++}";

    private sealed record StoredRecord(string ValueJson, string Version, string Origin);
}
