using PeerSync.Cli.Api;

namespace PeerSync.Cli.Tests;

public sealed class ServerSentEventReaderTests
{
    [Fact]
    public async Task Reader_parses_type_data_and_id_and_joins_data_lines()
    {
        var events = await ReadAsync("event: member\nid: 7\ndata: {\"a\":\ndata: 1}\n\ndata: plain\n\n");

        Assert.Equal([new ServerSentEvent("member", "{\"a\":\n1}", "7"), new ServerSentEvent("message", "plain", "7")], events);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\n")]
    public async Task Reader_accepts_every_line_ending(string end)
    {
        var events = await ReadAsync($"event: snapshot{end}data: x{end}{end}event: member{end}data: y{end}{end}");

        Assert.Equal(["snapshot:x", "member:y"], events.Select(e => $"{e.EventType}:{e.Data}"));
    }

    [Fact]
    public async Task Reader_splits_crlf_across_buffer_boundaries()
    {
        // 4096 is the reader's buffer: put a CR as the last char of the first read and its LF in the next.
        var padding = new string('x', 4096 - "data: ".Length - 1);
        var events = await ReadAsync($"data: {padding}\r\n\r\ndata: next\r\n\r\n", chunk: 4096);

        Assert.Equal([padding, "next"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Reader_ignores_comments_unknown_fields_and_events_without_data()
    {
        var events = await ReadAsync(": keep-alive\nfoo: bar\nevent: member\n\ndata:no-space\n\n");

        Assert.Equal([new ServerSentEvent("message", "no-space", null)], events);
    }

    [Fact]
    public async Task Reader_drops_an_event_unfinished_at_the_end()
    {
        var events = await ReadAsync("data: complete\n\ndata: cut off");

        Assert.Equal(["complete"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Reader_remembers_the_retry_hint()
    {
        var reader = new ServerSentEventReader(new StringReader("retry: 2500\ndata: x\n\nretry: soon\n\n"));
        await foreach (var _ in reader.ReadAllAsync(CancellationToken.None))
        {
        }

        Assert.Equal(TimeSpan.FromMilliseconds(2500), reader.Retry);
    }

    [Fact]
    public async Task Reader_rejects_a_line_longer_than_its_bound()
    {
        var line = "data: " + new string('x', ServerSentEventReader.MaxLineChars);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(line + "\n\n"));

        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_rejects_an_event_with_more_data_than_its_bound()
    {
        var line = "data: " + new string('x', ServerSentEventReader.MaxLineChars - 10) + "\n";
        var text = string.Concat(Enumerable.Repeat(line, 5)) + "\n";

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(text));

        Assert.Contains("more than", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<ServerSentEvent>> ReadAsync(string text, int chunk = 0)
    {
        TextReader source = chunk == 0 ? new StringReader(text) : new ChunkedReader(text, chunk);
        var events = new List<ServerSentEvent>();
        await foreach (var e in new ServerSentEventReader(source).ReadAllAsync(CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Hands out at most <paramref name="chunk"/> characters per read, like a network stream.</summary>
    private sealed class ChunkedReader(string text, int chunk) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, chunk), text.Length - _position);
            text.AsSpan(_position, n).CopyTo(buffer.Span);
            _position += n;
            return ValueTask.FromResult(n);
        }
    }
}
