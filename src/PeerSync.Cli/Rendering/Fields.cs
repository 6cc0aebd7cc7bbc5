using Spectre.Console;

namespace PeerSync.Cli.Rendering;

/// <summary>Name/value pairs as two aligned columns (`node info`, `sync status`, `records get --meta`).</summary>
internal static class Fields
{
    public static Grid Grid(params (string Name, string Value)[] fields)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        foreach (var (name, value) in fields)
        {
            grid.AddRow(new Text(name), new Text(value));
        }

        return grid;
    }
}
