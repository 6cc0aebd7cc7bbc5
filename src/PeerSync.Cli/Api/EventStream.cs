using System.Runtime.CompilerServices;

namespace PeerSync.Cli.Api;

/// <summary>
/// An open Server-Sent Events answer. Reading ends when the node closes the stream; a broken
/// connection or an unreadable stream is a <see cref="NodeRequestException"/>.
/// </summary>
public sealed class EventStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly ServerSentEventReader _reader;
    private readonly NodeEndpoint _node;
    private readonly string _operation;

    internal EventStream(NodeEndpoint node, string operation, HttpResponseMessage response, Stream body)
    {
        _node = node;
        _operation = operation;
        _response = response;
        _body = body;
        _reader = new ServerSentEventReader(new StreamReader(body));
    }

    /// <summary>The server's last `retry:` hint, if it sent one.</summary>
    public TimeSpan? Retry => _reader.Retry;

    public async IAsyncEnumerable<ServerSentEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = _reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ServerSentEvent next;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    next = events.Current;
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw e is IOException io ? NodeErrors.Broken(_node, _operation, io) : NodeErrors.Transport(_node, _operation, (HttpRequestException)e);
                }
                catch (InvalidDataException e)
                {
                    throw NodeErrors.Malformed(_node, _operation, e.Message, e);
                }

                yield return next;
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _body.Dispose();
        _response.Dispose();
    }
}
