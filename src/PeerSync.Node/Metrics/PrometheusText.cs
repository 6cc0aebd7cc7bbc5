using System.Globalization;
using System.Text;

namespace PeerSync.Node.Metrics;

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE` per family, one
/// sample per line, label values and help escaped, values as Go's ParseFloat reads them.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void AppendFamily(StringBuilder text, MetricFamily family)
    {
        if (family.Help is { } help)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ');
            AppendHelp(text, help);
            text.Append('\n');
        }

        text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');

        foreach (var series in family.Series.Values)
        {
            if (family.Kind == MetricKind.Histogram)
            {
                AppendHistogram(text, family, series);
            }
            else
            {
                AppendSample(text, family.Name, series.Labels, null, series.Value);
            }
        }
    }

    public static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void AppendHistogram(StringBuilder text, MetricFamily family, SeriesSnapshot series)
    {
        var bounds = family.Bounds!;
        var counts = series.BucketCounts!;
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += counts[i];
            AppendSample(text, family.Name + "_bucket", series.Labels, FormatValue(bounds[i]), cumulative);
        }

        AppendSample(text, family.Name + "_bucket", series.Labels, "+Inf", series.Count);
        AppendSample(text, family.Name + "_sum", series.Labels, null, series.Sum);
        AppendSample(text, family.Name + "_count", series.Labels, null, series.Count);
    }

    private static void AppendSample(StringBuilder text, string name, string labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null)
            {
                text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static void AppendHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text,
                _ => text.Append(c),
            };
        }
    }
}
