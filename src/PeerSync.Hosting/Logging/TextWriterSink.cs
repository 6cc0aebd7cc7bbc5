using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace PeerSync.Hosting.Logging;

/// <summary>Writes formatted events to a <see cref="TextWriter"/> (tests and embedders that capture output).</summary>
internal sealed class TextWriterSink : ILogEventSink
{
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public TextWriterSink(ITextFormatter formatter, TextWriter writer)
    {
        _formatter = formatter;
        _writer = writer;
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            _formatter.Format(logEvent, _writer);
            _writer.Flush();
        }
    }
}
