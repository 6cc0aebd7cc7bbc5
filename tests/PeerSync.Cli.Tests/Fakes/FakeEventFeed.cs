using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace PeerSync.Cli.Tests.Fakes;

/// <summary>
/// `GET /v1/cluster/events` of the fake node: each connection gets the snapshot, then whatever the
/// test publishes; the test can end the stream cleanly or cut the connection.
/// </summary>
internal sealed class FakeEventFeed
{
    private readonly Lock _gate = new();
    private readonly List<Channel<Item>> _open = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _connections;

    public int Connections
    {
        get
        {
            lock (_gate)
            {
                return _connections;
            }
        }
    }

    /// <summary>Completes once the <paramref name="count"/>-th connection has received its snapshot.</summary>
    public Task WaitForConnectionAsync(int count)
    {
        lock (_gate)
        {
            if (_connections >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task;
        }
    }

    /// <summary>Sends raw SSE text (fields and the blank line) to every open connection.</summary>
    public void PublishRaw(string text) => Send(new Item(text, End: false, Abort: false));

    public void Publish(string eventType, string data) => PublishRaw($"event: {eventType}\ndata: {data}\n\n");

    /// <summary>Ends every open stream cleanly, as a node does when it shuts down.</summary>
    public void Close() => Send(new Item(null, End: true, Abort: false));

    /// <summary>Cuts every open connection mid-stream.</summary>
    public void Abort() => Send(new Item(null, End: true, Abort: true));

    internal async Task ServeAsync(HttpContext context, string snapshotJson)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync($"event: snapshot\ndata: {snapshotJson.ReplaceLineEndings(" ")}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);

        var channel = Channel.CreateUnbounded<Item>();
        lock (_gate)
        {
            _open.Add(channel);
            _connections++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _connections).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                if (item.Abort)
                {
                    context.Abort();
                    return;
                }

                if (item.End)
                {
                    return;
                }

                await context.Response.WriteAsync(item.Text!, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away (Ctrl-C in the CLI): nothing left to send.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(channel);
            }
        }
    }

    private void Send(Item item)
    {
        lock (_gate)
        {
            foreach (var channel in _open)
            {
                channel.Writer.TryWrite(item);
            }
        }
    }

    private sealed record Item(string? Text, bool End, bool Abort);
}
