using System.Text.Json;
using PeerSync.Cli.Api;
using PeerSync.Cli.Api.Model;
using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>`records get | put | rm | ls`.</summary>
internal static class RecordCommands
{
    public static async Task<int> GetAsync(CommandContext context, string collection, string key, bool meta, CancellationToken cancellationToken)
    {
        RequireNames(collection, key);
        var reply = await context.Client.GetRecordAsync(collection, key, cancellationToken).ConfigureAwait(false);
        if (reply.Value.Deleted)
        {
            // The contract answers 404 for a deleted record; a node that sends the tombstone instead is still "not found".
            throw new CommandFailedException($"record {collection}/{key} is deleted (tombstone version {reply.Value.Version}, origin {reply.Value.Origin})");
        }

        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
            return ExitCodes.Ok;
        }

        if (meta)
        {
            context.Output.Render(RecordView.Meta(reply.Value));
        }

        context.Output.Line(RecordView.Value(reply.Value));
        return ExitCodes.Ok;
    }

    public static async Task<int> PutAsync(CommandContext context, string collection, string key, string? inline, string? file, CancellationToken cancellationToken)
    {
        RequireNames(collection, key);
        var value = await RecordValueSource.ReadAsync(inline, file, context, cancellationToken).ConfigureAwait(false);
        var reply = await context.Client.PutRecordAsync(collection, key, value, cancellationToken).ConfigureAwait(false);
        WriteWritten(context, reply, "put");
        return ExitCodes.Ok;
    }

    public static async Task<int> RemoveAsync(CommandContext context, string collection, string key, CancellationToken cancellationToken)
    {
        RequireNames(collection, key);
        var reply = await context.Client.DeleteRecordAsync(collection, key, cancellationToken).ConfigureAwait(false);
        WriteWritten(context, reply, "deleted");
        return ExitCodes.Ok;
    }

    public static async Task<int> ListAsync(CommandContext context, string collection, string? after, int? limit, bool all, CancellationToken cancellationToken)
    {
        RequireNames(collection, key: null);
        var first = await context.Client.ListRecordsAsync(collection, after, limit, cancellationToken).ConfigureAwait(false);
        if (!all)
        {
            if (context.Output.Json)
            {
                context.Output.WriteJson(first.Json);
                return ExitCodes.Ok;
            }

            WriteTable(context.Output, first.Value.Items, collection);
            if (first.Value.Next is { } next)
            {
                context.Output.Line($"more records follow: add --after '{next}' for the next page, or --all");
            }

            return ExitCodes.Ok;
        }

        return context.Output.Json
            ? await StreamAllAsJsonAsync(context, collection, after, limit, first, cancellationToken).ConfigureAwait(false)
            : await CollectAllAsync(context, collection, after, limit, first, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>JSON pages are written item by item, so `--all --json` holds one page in memory at a time.</summary>
    private static async Task<int> StreamAllAsJsonAsync(CommandContext context, string collection, string? after, int? limit, Reply<RecordPage> page, CancellationToken cancellationToken)
    {
        var items = new JsonItemsWriter(context.Output.Out);
        while (true)
        {
            foreach (var item in page.Json.GetProperty("items").EnumerateArray())
            {
                items.Add(item);
            }

            if (NextAfter(context, collection, after, page.Value) is not { } next)
            {
                items.End();
                return ExitCodes.Ok;
            }

            after = next;
            page = await context.Client.ListRecordsAsync(collection, after, limit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A table aligns its columns over every row, so the human `--all` gathers all pages first.</summary>
    private static async Task<int> CollectAllAsync(CommandContext context, string collection, string? after, int? limit, Reply<RecordPage> page, CancellationToken cancellationToken)
    {
        var records = new List<RecordEntry>();
        while (true)
        {
            records.AddRange(page.Value.Items);
            if (NextAfter(context, collection, after, page.Value) is not { } next)
            {
                WriteTable(context.Output, records, collection);
                return ExitCodes.Ok;
            }

            after = next;
            page = await context.Client.ListRecordsAsync(collection, after, limit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The `after` of the next page, or null at the end. Pages are ordered by key, so `next` must
    /// move forward and a page that points further must hold records; anything else would loop forever.
    /// </summary>
    private static string? NextAfter(CommandContext context, string collection, string? after, RecordPage page)
    {
        if (page.Next is not { } next)
        {
            return null;
        }

        if (page.Items.Count == 0 || (after is not null && string.CompareOrdinal(next, after) <= 0))
        {
            throw NodeErrors.Malformed(context.Client.Node, $"GET {ApiPaths.Records(collection)}",
                $"the page after '{after}' points to next '{next}', which does not move forward");
        }

        return next;
    }

    private static void WriteTable(CliOutput output, IReadOnlyList<RecordEntry> records, string collection)
    {
        if (records.Count == 0)
        {
            output.Line($"no records in {collection}");
            return;
        }

        output.Render(RecordView.Page(records, output));
    }

    private static void WriteWritten(CommandContext context, Reply<RecordWritten> reply, string verb)
    {
        if (context.Output.Json)
        {
            context.Output.WriteJson(reply.Json);
        }
        else
        {
            context.Output.Line(RecordView.Written(verb, reply.Value));
        }
    }

    private static void RequireNames(string collection, string? key)
    {
        if (collection.Length == 0)
        {
            throw new UsageException("the collection name must not be empty");
        }

        if (key is { Length: 0 })
        {
            throw new UsageException("the key must not be empty");
        }
    }
}
