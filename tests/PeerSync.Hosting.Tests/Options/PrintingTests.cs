using System.Text.Json.Nodes;
using PeerSync.Hosting.Configuration.Binding;
using PeerSync.Hosting.Configuration.Printing;
using PeerSync.Hosting.Options;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>--print-config's JSON: secrets masked, durations and sizes readable and exact.</summary>
public sealed class PrintingTests
{
    [Fact]
    public void Printed_configuration_masks_every_secret_but_shows_whether_it_is_set()
    {
        var o = new PeerSyncOptions
        {
            Remote = { Secret = "cluster-secret-value-1", Tls = { CertificatePassword = "pfx-password-value" } },
            Http = { Token = "http-token-value-123" },
            Persistence = { ConnectionString = "Host=db;Username=app;Password=db-password-value;Database=p" },
        };

        var text = EffectiveConfiguration.ToJsonText(o);
        var json = JsonNode.Parse(text)!["peersync"]!;

        foreach (var secret in new[] { "cluster-secret-value-1", "pfx-password-value", "http-token-value-123", "db-password-value" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Equal(EffectiveConfiguration.Mask, (string?)json["remote"]!["secret"]);
        Assert.Equal(EffectiveConfiguration.Mask, (string?)json["remote"]!["tls"]!["certificate-password"]);
        Assert.Equal(EffectiveConfiguration.Mask, (string?)json["http"]!["token"]);
        Assert.Contains("host=db", (string?)json["persistence"]!["connection-string"], StringComparison.Ordinal);
        Assert.Contains("password=********", (string?)json["persistence"]!["connection-string"], StringComparison.Ordinal);
    }

    [Fact]
    public void Printed_configuration_shows_unset_secrets_as_empty()
    {
        var json = EffectiveConfiguration.ToJson(new PeerSyncOptions())["peersync"]!;

        Assert.Equal("", (string?)json["remote"]!["secret"]);
        Assert.Equal("", (string?)json["http"]!["token"]);
    }

    [Fact]
    public void Printed_configuration_keeps_secrets_when_masking_is_off()
    {
        var json = EffectiveConfiguration.ToJson(new PeerSyncOptions { Remote = { Secret = "visible-secret-12345" } }, maskSecrets: false);

        Assert.Equal("visible-secret-12345", (string?)json["peersync"]!["remote"]!["secret"]);
    }

    [Theory]
    [InlineData("Host=db;Password=pw", "host=db;password=********")]
    [InlineData("Host=db;PWD=pw;SSL Password=x", "host=db;pwd=********;ssl password=********")]
    [InlineData("Host=db;Username=u", "host=db;username=u")]
    [InlineData("not a = valid; \"connection", "********")]
    [InlineData("", "")]
    public void Connection_string_masking_hides_passwords_and_keeps_the_rest(string value, string expected)
    {
        Assert.Equal(expected, SecretMasking.ConnectionString(value));
    }

    [Fact]
    public void Printed_configuration_shows_the_resolved_data_dir()
    {
        var json = EffectiveConfiguration.ToJson(new PeerSyncOptions { Node = { Id = "n9" } });

        Assert.Equal("data/n9", (string?)json["peersync"]!["node"]!["data-dir"]);
    }

    [Theory]
    [InlineData(0L, "0ms")]
    [InlineData(TimeSpan.TicksPerMillisecond * 1500, "1500ms")]
    [InlineData(TimeSpan.TicksPerHour * 24, "24h")]
    [InlineData(TimeSpan.TicksPerMinute * 5, "5m")]
    [InlineData(TimeSpan.TicksPerSecond * 90, "90s")]
    [InlineData(10L, "1us")]
    [InlineData(3L, "300ns")]
    [InlineData(-TimeSpan.TicksPerSecond, "-1s")]
    public void Durations_print_in_the_largest_exact_unit(long ticks, string expected)
    {
        Assert.Equal(expected, ValueText.Duration(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(1000L, "1000B")]
    [InlineData(1024L, "1KiB")]
    [InlineData(4L << 20, "4MiB")]
    [InlineData((4L << 20) + 1, "4194305B")]
    [InlineData(3L << 40, "3TiB")]
    public void Sizes_print_in_the_largest_exact_unit(long bytes, string expected)
    {
        Assert.Equal(expected, ValueText.Size(bytes));
    }

    [Fact]
    public void Printed_durations_and_sizes_parse_back_to_the_same_value()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 2000; i++)
        {
            var ticks = random.NextInt64(-TimeSpan.TicksPerDay * 400, TimeSpan.TicksPerDay * 400) / (i % 4 == 0 ? 1 : TimeSpan.TicksPerMillisecond) * (i % 4 == 0 ? 1 : TimeSpan.TicksPerMillisecond);
            var bytes = random.NextInt64(0, 1L << 50) >> random.Next(0, 40) << random.Next(0, 10);

            Assert.Equal(TimeSpan.FromTicks(ticks), Hosting.Configuration.HoconDuration.Parse(ValueText.Duration(TimeSpan.FromTicks(ticks))));
            Assert.Equal(bytes, Hosting.Configuration.ByteSize.Parse(ValueText.Size(bytes)));
        }
    }
}
