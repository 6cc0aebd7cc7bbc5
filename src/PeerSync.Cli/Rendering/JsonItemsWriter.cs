using System.Text.Json;
using PeerSync.Cli.Api;

namespace PeerSync.Cli.Rendering;

/// <summary>
/// Writes `{"items": [...], "next": null}` one item at a time, indented like the rest of psync's
/// JSON, so a long listing never sits in memory whole.
/// </summary>
internal sealed class JsonItemsWriter(TextWriter output)
{
    private const string Indent = "    ";
    private int _count;

    public void Add(JsonElement item)
    {
        output.Write(_count == 0 ? "{" + Environment.NewLine + "  \"items\": [" + Environment.NewLine : "," + Environment.NewLine);
        var lines = CliJson.Format(item, indented: true).Split('\n');
        output.Write(string.Join(Environment.NewLine, lines.Select(l => Indent + l.TrimEnd('\r'))));
        _count++;
    }

    public void End()
    {
        if (_count == 0)
        {
            output.WriteLine("{" + Environment.NewLine + "  \"items\": []," + Environment.NewLine + "  \"next\": null" + Environment.NewLine + "}");
            return;
        }

        output.WriteLine(Environment.NewLine + "  ]," + Environment.NewLine + "  \"next\": null" + Environment.NewLine + "}");
    }
}
