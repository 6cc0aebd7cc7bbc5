using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PeerSync.Node.Metrics;

/// <summary>
/// Exports System.Diagnostics.Metrics instruments in the Prometheus text format (no Prometheus
/// package is available here). A <see cref="MeterListener"/> aggregates every instrument of the
/// chosen meters (by default those named `PeerSync.*`) from the moment it is published;
/// <see cref="Scrape"/> observes the observable instruments and renders all of it, families sorted
/// by name and series by labels. See docs/design/http-server.md, "Metrics".
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The meters exported by default: ours.</summary>
    public const string MeterPrefix = "PeerSync.";

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();
    private readonly ConcurrentDictionary<string, bool> _conflictsLogged = new(StringComparer.Ordinal);
    private readonly Func<Meter, bool> _includeMeter;
    private readonly ILogger _logger;
    private readonly Lock _scrapeGate = new();

    /// <param name="includeMeter">Which meters to export; default: names starting with `PeerSync.`.</param>
    public PrometheusExporter(Func<Meter, bool>? includeMeter = null, ILogger? logger = null)
    {
        _includeMeter = includeMeter ?? (meter => meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal));
        _logger = logger ?? NullLogger.Instance;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentAggregate? _),
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Every exported family in the text exposition format (version 0.0.4).</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            foreach (var aggregate in _instruments.Values)
            {
                if (aggregate.IsObservable)
                {
                    aggregate.BeginObservation();
                }
            }

            _listener.RecordObservableInstruments();

            var families = new SortedDictionary<string, MetricFamily>(StringComparer.Ordinal);
            foreach (var aggregate in _instruments.Values.OrderBy(a => a.Instrument.Meter.Name, StringComparer.Ordinal).ThenBy(a => a.Instrument.Name, StringComparer.Ordinal))
            {
                if (!families.TryGetValue(aggregate.Name, out var family))
                {
                    family = new MetricFamily(aggregate.Name, aggregate.Kind, aggregate.Help, aggregate.Bounds);
                    families[aggregate.Name] = family;
                }
                else if (!family.Accepts(aggregate))
                {
                    // Prometheus refuses a scrape that declares one name twice, so the later
                    // instrument is left out (and said so once) rather than breaking every metric.
                    if (_conflictsLogged.TryAdd(aggregate.Instrument.Meter.Name + "/" + aggregate.Instrument.Name, true))
                    {
                        MetricsLog.NameConflict(_logger, aggregate.Instrument.Name, aggregate.Instrument.Meter.Name, aggregate.Name);
                    }

                    continue;
                }

                family.Merge(aggregate);
            }

            var text = new StringBuilder(4096);
            foreach (var family in families.Values)
            {
                PrometheusText.AppendFamily(text, family);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_includeMeter(instrument.Meter))
        {
            return;
        }

        var aggregate = InstrumentAggregate.Create(instrument);
        if (aggregate is null)
        {
            MetricsLog.UnknownInstrument(_logger, instrument.Name, instrument.Meter.Name, instrument.GetType().Name);
            return;
        }

        _instruments[instrument] = aggregate;
        listener.EnableMeasurementEvents(instrument, aggregate);
    }
}
