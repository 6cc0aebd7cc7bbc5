using PeerSync.Cli.Api;
using PeerSync.Cli.Api.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PeerSync.Cli.Rendering;

/// <summary>Human output of the `records` commands.</summary>
internal static class RecordView
{
    private const int MaxValueChars = 80;

    public static IRenderable Meta(RecordEntry record) => Fields.Grid(
        ("collection", record.Collection),
        ("key", record.Key),
        ("version", record.Version),
        ("origin", record.Origin));

    public static string Value(RecordEntry record) => CliJson.Format(record.Value, indented: true);

    public static string Written(string verb, RecordWritten written) =>
        $"{verb} {written.Collection}/{written.Key}: version {written.Version}, origin {written.Origin}";

    public static IRenderable Page(IReadOnlyList<RecordEntry> items, CliOutput output)
    {
        var table = output.NewTable("Key", "Version", "Origin", "Value");
        foreach (var record in items)
        {
            table.AddRow(
                new Text(record.Key),
                new Text(record.Version),
                new Text(record.Origin),
                new Text(Formats.Json(record.Value, MaxValueChars)));
        }

        return table;
    }
}
