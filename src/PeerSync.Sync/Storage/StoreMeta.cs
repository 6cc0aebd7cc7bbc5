using System.Globalization;
using System.Text.Json;
using PeerSync.Remote.Addressing;
using PeerSync.Sync.Clock;
using PeerSync.Sync.Records;

namespace PeerSync.Sync.Storage;

/// <summary>Metadata keys and the encoding of structured metadata values.</summary>
internal static class StoreMeta
{
    public const string DataEpoch = "data_epoch";
    public const string SelfNode = "self_node";
    public const string HlcHigh = "hlc_high";
    public const string ApplyPosition = "apply_position";
    public const string BackfillCheckpoint = "backfill_checkpoint";

    public static string FormatLong(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static long ParseLong(string? text, string name) =>
        text is null ? 0
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
        : throw new RecordStoreException($"record store metadata '{name}' holds '{text}', which is not a number; the store is corrupt");

    public static string EncodeCheckpoint(BackfillCheckpoint checkpoint)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("source", checkpoint.Source.Value);
            writer.WriteNumber("pages", checkpoint.PagesApplied);
            if (checkpoint.After is { } after)
            {
                writer.WriteString("afterCollection", after.Collection.Value);
                writer.WriteString("afterKey", after.Key.Value);
            }

            writer.WriteStartArray("coverage");
            foreach (var (origin, position) in checkpoint.Coverage)
            {
                writer.WriteStartObject();
                writer.WriteString("node", origin.Node.Value);
                writer.WriteString("epoch", origin.Epoch.ToString());
                writer.WriteString("hlc", position.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static BackfillCheckpoint DecodeCheckpoint(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            RecordCursor? after = null;
            if (root.TryGetProperty("afterCollection", out var c) && root.TryGetProperty("afterKey", out var k))
            {
                after = new RecordCursor(CollectionName.Parse(c.GetString()!), RecordKey.Parse(k.GetString()!));
            }

            var coverage = new List<KeyValuePair<OriginId, Hlc>>();
            foreach (var e in root.GetProperty("coverage").EnumerateArray())
            {
                var origin = new OriginId(NodeId.Parse(e.GetProperty("node").GetString()!), Remote.Addressing.DataEpoch.Parse(e.GetProperty("epoch").GetString()!));
                coverage.Add(new(origin, Hlc.Parse(e.GetProperty("hlc").GetString()!)));
            }

            return new BackfillCheckpoint(
                NodeId.Parse(root.GetProperty("source").GetString()!),
                after,
                Watermarks.From(coverage),
                root.GetProperty("pages").GetInt32());
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RecordStoreException($"the stored backfill checkpoint cannot be read ({e.Message}); clear it to restart the backfill", e);
        }
    }
}
