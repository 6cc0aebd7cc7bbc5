using System.Text.Json;
using PeerSync.Cli.Api;
using PeerSync.Cli.Rendering;

namespace PeerSync.Cli.Commands;

/// <summary>
/// `cluster tail`: follows `GET /v1/cluster/events` until Ctrl-C (exit 0). The first connection
/// must succeed (a wrong address or token fails at once, exit 1); after that a dropped stream or a
/// transient failure reconnects with exponential backoff, saying so on stderr, and every new
/// connection starts with a fresh snapshot. The delay doubles up to <see cref="MaxRetryDelay"/> and
/// starts over only after a connection stayed up for <see cref="StableAfter"/>, so a node that
/// accepts and drops at once is not hammered.
/// </summary>
internal static class ClusterTail
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var node = context.Client.Node;
        var delay = FirstRetryDelay;
        var connectedBefore = false;
        var ignoredTypes = new HashSet<string>(StringComparer.Ordinal);
        string? lastEventId = null;
        while (true)
        {
            string reason;
            TimeSpan? serverRetry = null;
            long? connectedAt = null;
            try
            {
                using var stream = await context.Client.OpenClusterEventsAsync(lastEventId, cancellationToken).ConfigureAwait(false);
                if (connectedBefore)
                {
                    output.Notice($"reconnected to the event stream of {node}");
                }

                connectedBefore = true;
                connectedAt = context.Time.GetTimestamp();
                await foreach (var message in stream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    lastEventId = message.Id ?? lastEventId;
                    Print(message, output, ignoredTypes);
                }

                serverRetry = stream.Retry;
                reason = "the node closed the stream";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            catch (NodeRequestException e) when (connectedBefore && e.IsTransient)
            {
                reason = e.Message;
            }

            if (connectedAt is { } start && context.Time.GetElapsedTime(start) >= StableAfter)
            {
                delay = FirstRetryDelay;
            }

            // The server's retry hint may lengthen the wait, within the same ceiling.
            var wait = serverRetry is { } hint && hint > delay ? (hint < MaxRetryDelay ? hint : MaxRetryDelay) : delay;
            output.Notice($"event stream from {node} dropped ({reason}); reconnecting in {Durations.Format(wait)}");
            try
            {
                await Task.Delay(wait, context.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }

            delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
        }
    }

    private static void Print(ServerSentEvent message, CliOutput output, HashSet<string> ignoredTypes)
    {
        if (message.EventType is not ("snapshot" or "member"))
        {
            if (ignoredTypes.Add(message.EventType))
            {
                output.Notice($"ignoring events of unknown type '{message.EventType}' (a newer node?)");
            }

            return;
        }

        try
        {
            using var document = JsonDocument.Parse(message.Data);
            if (output.Json)
            {
                output.WriteJsonLine(document.RootElement);
            }
            else if (message.EventType == "snapshot")
            {
                var state = document.RootElement.Deserialize(CliJson.Context.ClusterState) ?? throw new JsonException("the snapshot is null");
                output.Line(TailView.Snapshot(state));
            }
            else
            {
                var change = document.RootElement.Deserialize(CliJson.Context.MemberEvent) ?? throw new JsonException("the event is null");
                output.Line(TailView.Event(change));
            }
        }
        catch (JsonException e)
        {
            // One bad event should not end a live tail: say what was skipped and keep following.
            output.Notice($"skipped a malformed '{message.EventType}' event: {NodeErrors.OneLine(e.Message)}");
        }
    }
}
