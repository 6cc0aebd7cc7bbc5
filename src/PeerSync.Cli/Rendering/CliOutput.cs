using System.Text.Json;
using System.Text.Json.Nodes;
using PeerSync.Cli.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PeerSync.Cli.Rendering;

/// <summary>
/// Where a command's results go: tables and trees through Spectre.Console, JSON and plain lines
/// straight to stdout, errors and notices to stderr (always prefixed `psync: `).
/// </summary>
internal sealed class CliOutput
{
    public CliOutput(TextWriter stdout, TextWriter stderr, IAnsiConsole console, bool json, TableBorder border)
    {
        Out = stdout;
        Error = stderr;
        Console = console;
        Json = json;
        Border = border;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    /// <summary>`--json`: print the node's JSON on stdout and nothing else.</summary>
    public bool Json { get; }

    /// <summary>Rounded boxes on a terminal; no borders (plain aligned columns, easy to grep and cut) when redirected.</summary>
    public TableBorder Border { get; }

    public void WriteJson(JsonElement json) => Out.WriteLine(CliJson.Format(json, indented: true));

    /// <summary>JSON that psync assembled from the node's answers (several pages, several calls).</summary>
    public void WriteJson(JsonNode json) => Out.WriteLine(json.ToJsonString(CliJson.Pretty));

    /// <summary>One compact object per line, for streams (`cluster tail --json`).</summary>
    public void WriteJsonLine(JsonElement json)
    {
        Out.WriteLine(CliJson.Format(json, indented: false));
        Out.Flush();
    }

    public void Render(IRenderable renderable) => Console.Write(renderable);

    /// <summary>A plain line, never wrapped or styled, flushed so streams show up at once.</summary>
    public void Line(string text)
    {
        Out.WriteLine(text);
        Out.Flush();
    }

    public void Notice(string message)
    {
        Error.WriteLine("psync: " + message);
        Error.Flush();
    }

    public Table NewTable(params string[] headers)
    {
        var table = new Table { Border = Border };
        foreach (var header in headers)
        {
            var column = new TableColumn(new Text(header));
            if (Border == TableBorder.None)
            {
                // Without borders, two spaces keep columns apart the way `ps` or `kubectl get` do.
                column.Padding = new Padding(0, 0, 2, 0);
            }

            table.AddColumn(column);
        }

        return table;
    }
}
