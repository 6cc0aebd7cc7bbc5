using System.Globalization;
using PeerSync.Cli.Api.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PeerSync.Cli.Rendering;

/// <summary>Human output of `sync status` and `sync peers`.</summary>
internal static class SyncView
{
    public static IRenderable Status(SyncStatus status)
    {
        var grid = Fields.Grid(
            ("state", status.State),
            ("mode", Formats.OrDash(status.Mode)),
            ("ready", status.Ready ? "yes" : "no"),
            ("records", Formats.Number(status.Records)),
            ("log entries", Formats.Number(status.LogEntries)),
            ("backfill", Backfill(status.Backfill)));
        return grid;
    }

    public static IRenderable Peers(IReadOnlyList<SyncPeer> peers, CliOutput output)
    {
        if (peers.Count == 0)
        {
            return new Text("no peers" + Environment.NewLine);
        }

        var table = output.NewTable("Id", "State", "Outbound queue", "Acked watermark", "Lag");
        foreach (var peer in peers.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            table.AddRow(
                new Text(peer.Id),
                new Text(peer.State),
                new Text(Formats.Number(peer.OutboundQueue)),
                new Text(Watermark(peer.AckedWatermark)),
                new Text(Formats.Lag(peer.LagMs)));
        }

        table.Columns[2].RightAligned();
        table.Columns[4].RightAligned();
        return table;
    }

    private static string Watermark(IReadOnlyDictionary<string, string> watermark) =>
        watermark.Count == 0
            ? "-"
            : string.Join(" ", watermark.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}:{w.Value}"));

    private static string Backfill(BackfillProgress? backfill) =>
        backfill is null
            ? "none"
            : $"{backfill.Phase}, {Formats.Number(backfill.PagesDone)} pages done, from {Formats.OrDash(backfill.Source)}";
}
