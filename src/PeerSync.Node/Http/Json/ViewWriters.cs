using System.Text.Json;
using PeerSync.Actors;
using PeerSync.Hosting.Api;

namespace PeerSync.Node.Http.Json;

/// <summary>
/// The shapes written by hand: records and changes carry their value as stored JSON text, which
/// goes out as raw JSON (checked, not re-encoded), and the actor tree renames the facade's fields.
/// </summary>
internal static class ViewWriters
{
    private static readonly JsonEncodedText Collection = JsonEncodedText.Encode("collection");
    private static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Origin = JsonEncodedText.Encode("origin");
    private static readonly JsonEncodedText Deleted = JsonEncodedText.Encode("deleted");
    private static readonly JsonEncodedText Position = JsonEncodedText.Encode("position");
    private static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText Next = JsonEncodedText.Encode("next");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Mailbox = JsonEncodedText.Encode("mailbox");
    private static readonly JsonEncodedText Children = JsonEncodedText.Encode("children");

    /// <summary>`GET .../records/{key}`: `{collection,key,value,version,origin,deleted:false}`.</summary>
    public static void Record(Utf8JsonWriter writer, RecordView record)
    {
        writer.WriteStartObject();
        RecordFields(writer, record);
        writer.WriteBoolean(Deleted, false);
        writer.WriteEndObject();
    }

    /// <summary>`GET .../records`: `{items:[{collection,key,value,version,origin}], next}`.</summary>
    public static void RecordPage(Utf8JsonWriter writer, RecordPageView page)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(Items);
        foreach (var record in page.Items)
        {
            writer.WriteStartObject();
            RecordFields(writer, record);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString(Next, page.Next);
        writer.WriteEndObject();
    }

    /// <summary>The data of an `event: change`: `{position,collection,key,value,deleted,version,origin}`, value null for a delete.</summary>
    public static void Change(Utf8JsonWriter writer, ChangeView change)
    {
        writer.WriteStartObject();
        writer.WriteNumber(Position, change.Position);
        writer.WriteString(Collection, change.Collection);
        writer.WriteString(Key, change.Key);
        writer.WritePropertyName(Value);
        if (change.ValueJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(change.ValueJson);
        }

        writer.WriteBoolean(Deleted, change.Deleted);
        writer.WriteString(Version, change.Version);
        writer.WriteString(Origin, change.Origin);
        writer.WriteEndObject();
    }

    /// <summary>`GET /v1/node/actors`: `{name,path,type,mailbox,children:[...]}`, mailbox the queue length.</summary>
    public static void Actor(Utf8JsonWriter writer, ActorHierarchyNode node)
    {
        writer.WriteStartObject();
        writer.WriteString(Name, node.Name);
        writer.WriteString(Path, node.Path);
        writer.WriteString(Type, node.ActorType);
        writer.WriteNumber(Mailbox, node.MailboxDepth);
        writer.WriteStartArray(Children);
        foreach (var child in node.Children)
        {
            Actor(writer, child);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void RecordFields(Utf8JsonWriter writer, RecordView record)
    {
        writer.WriteString(Collection, record.Collection);
        writer.WriteString(Key, record.Key);
        writer.WritePropertyName(Value);

        // Validated: the value is stored text, and a damaged one must fail this answer (500)
        // rather than reach a client as broken JSON.
        writer.WriteRawValue(record.ValueJson);
        writer.WriteString(Version, record.Version);
        writer.WriteString(Origin, record.Origin);
    }
}
