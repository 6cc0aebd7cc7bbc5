using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PeerSync.Cli.Api;

/// <summary>
/// Where a node's HTTP API listens: `host:port`, `[ipv6]:port`, or either with an `http://` or
/// `https://` prefix. The port defaults to 8053 (the node's default `peersync.http.port`).
/// </summary>
public sealed record NodeEndpoint(string Scheme, string Host, int Port)
{
    public const int DefaultPort = 8053;

    public static NodeEndpoint Default { get; } = new("http", "127.0.0.1", DefaultPort);

    public Uri BaseUri => new($"{Scheme}://{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}/");

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary>Written back the way an operator types it; the scheme only when it is not plain http.</summary>
    public override string ToString()
    {
        var hostPort = $"{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}";
        return Scheme == "http" ? hostPort : $"{Scheme}://{hostPort}";
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out NodeEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a node address is written host:port, but it is empty";
            return false;
        }

        var rest = text.Trim();
        var scheme = "http";
        var separator = rest.IndexOf("://", StringComparison.Ordinal);
        if (separator >= 0)
        {
            scheme = rest[..separator].ToLowerInvariant();
            if (scheme is not ("http" or "https"))
            {
                error = $"node address '{text}' has scheme '{scheme}'; only http and https are supported";
                return false;
            }

            rest = rest[(separator + 3)..].TrimEnd('/');
        }

        if (!SplitHostPort(rest, out var host, out var portText))
        {
            error = $"node address '{text}' must be written host:port (IPv6 literals in brackets: [::1]:8053)";
            return false;
        }

        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"node address '{text}' has no valid host name";
            return false;
        }

        var port = DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"node address '{text}' has port '{portText}'; a port is a number from 1 to 65535";
            return false;
        }

        endpoint = new NodeEndpoint(scheme, host, port);
        error = null;
        return true;
    }

    private static bool SplitHostPort(string text, out string host, out string? portText)
    {
        host = text;
        portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length == 0)
            {
                return true;
            }

            if (after[0] != ':')
            {
                return false;
            }

            portText = after[1..];
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        if (text.LastIndexOf(':') != colon)
        {
            // More than one colon without brackets: an IPv6 literal we cannot split safely.
            return false;
        }

        host = text[..colon];
        portText = text[(colon + 1)..];
        return true;
    }
}
