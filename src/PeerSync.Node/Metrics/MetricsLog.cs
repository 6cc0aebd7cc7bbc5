using Microsoft.Extensions.Logging;

namespace PeerSync.Node.Metrics;

internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 750, Level = LogLevel.Warning, Message = "Metrics: instrument {Instrument} of meter {Meter} maps to {MetricName}, already exported with another type or other buckets; it is left out of /metrics")]
    public static partial void NameConflict(ILogger logger, string instrument, string meter, string metricName);

    [LoggerMessage(EventId = 751, Level = LogLevel.Warning, Message = "Metrics: instrument {Instrument} of meter {Meter} has a type ({InstrumentType}) the Prometheus exporter does not know; it is left out of /metrics")]
    public static partial void UnknownInstrument(ILogger logger, string instrument, string meter, string instrumentType);
}
