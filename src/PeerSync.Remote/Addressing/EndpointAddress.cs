using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PeerSync.Remote.Addressing;

/// <summary>
/// A transport endpoint, `host:port` (IPv6 literals in brackets: `[::1]:4053`). Seed nodes and the
/// address a node advertises in its handshake are written this way.
/// </summary>
public readonly record struct EndpointAddress(string Host, int Port)
{
    public static EndpointAddress Parse(string value) =>
        TryParse(value, out var address, out var error) ? address : throw new FormatException(error);

    public static bool TryParse(string? value, out EndpointAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "an endpoint must be written host:port, but it is empty";
            return false;
        }

        string host;
        string portText;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= value.Length || value[close + 1] != ':')
            {
                error = $"endpoint '{value}' must be written [ipv6]:port";
                return false;
            }

            host = value[1..close];
            portText = value[(close + 2)..];
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon <= 0 || value.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"endpoint '{value}' must be written host:port (IPv6 literals in brackets)";
                return false;
            }

            host = value[..colon];
            portText = value[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            error = $"endpoint '{value}' has no host";
            return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"endpoint '{value}' has port '{portText}'; a port is a number from 1 to 65535";
            return false;
        }

        address = new EndpointAddress(host, port);
        error = null;
        return true;
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
