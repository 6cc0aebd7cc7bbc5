using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PeerSync.Cli.Api;

/// <summary>
/// Parses a `text/event-stream` (the WHATWG Server-Sent Events format): `event:`, `data:`, `id:`
/// and `retry:` fields, comments, and CRLF / LF / CR line ends. Lines and events are bounded so a
/// misbehaving node cannot make psync buffer without limit.
/// </summary>
public sealed class ServerSentEventReader
{
    /// <summary>Longest line accepted; a longer one is malformed (an event's JSON is far smaller).</summary>
    public const int MaxLineChars = 1 << 20;

    /// <summary>Most data in one event, summed over its `data:` lines.</summary>
    public const int MaxEventChars = 4 << 20;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[4096];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;
    private bool _skipLineFeed;

    public ServerSentEventReader(TextReader reader) => _reader = reader;

    /// <summary>The last `retry:` value the server sent, a hint for reconnecting.</summary>
    public TimeSpan? Retry { get; private set; }

    /// <summary>Events until the stream ends; an event left unfinished at the end is discarded, as the format says.</summary>
    public async IAsyncEnumerable<ServerSentEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        var hasData = false;
        string eventType = "";
        string? lastId = null;
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(eventType.Length == 0 ? "message" : eventType, data.ToString(), lastId);
                }

                data.Clear();
                hasData = false;
                eventType = "";
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    eventType = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    if (data.Length > MaxEventChars)
                    {
                        throw new InvalidDataException($"an event carries more than {MaxEventChars} characters of data");
                    }

                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    lastId = value;
                    break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit)
                                  && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms):
                    Retry = TimeSpan.FromMilliseconds(ms);
                    break;
                default:
                    // Unknown fields are ignored, as the format requires.
                    break;
            }
        }
    }

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return null;
                }
            }

            if (_skipLineFeed)
            {
                // The previous line ended with '\r': a '\n' right after it belongs to that line end.
                _skipLineFeed = false;
                if (_buffer[_start] == '\n')
                {
                    _start++;
                    continue;
                }
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            var end = span.IndexOfAny('\r', '\n');
            Append(end < 0 ? span : span[..end]);
            if (end < 0)
            {
                _start = _end;
                continue;
            }

            _skipLineFeed = span[end] == '\r';
            _start += end + 1;
            return _line.ToString();
        }
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        if (_line.Length + chars.Length > MaxLineChars)
        {
            throw new InvalidDataException($"a line of the event stream is longer than {MaxLineChars} characters");
        }

        _line.Append(chars);
    }
}
