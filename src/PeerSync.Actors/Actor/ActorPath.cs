using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PeerSync.Actors;

/// <summary>
/// The logical location of an actor: its system's <see cref="Address"/> plus the names from the root
/// (`/user/a/b`, `/system/remote`). <see cref="Uid"/> tells apart successive actors created at the
/// same path; it takes no part in path equality (Akka's rule), but does in actor ref equality.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>, IComparable<ActorPath>
{
    private readonly string[] _elements;
    private string? _cachedString;

    private ActorPath(Address address, string[] elements, long uid)
    {
        Address = address;
        _elements = elements;
        Uid = uid;
    }

    public Address Address { get; }

    public IReadOnlyList<string> Elements => _elements;

    /// <summary>The last element; "" for the root.</summary>
    public string Name => _elements.Length == 0 ? "" : _elements[^1];

    public long Uid { get; }

    public ActorPath? Parent => _elements.Length == 0 ? null : new ActorPath(Address, _elements[..^1], 0);

    public static ActorPath Root(Address address) => new(address, [], 0);

    public ActorPath Child(string name, long uid = 0)
    {
        ActorNames.Validate(name, allowReserved: true);
        return new ActorPath(Address, [.. _elements, name], uid);
    }

    public ActorPath WithUid(long uid) => new(Address, _elements, uid);

    public ActorPath WithAddress(Address address) => new(address, _elements, Uid);

    /// <summary>`/user/a/b`: the path without its address, as logs and the CLI show it.</summary>
    public string ToStringWithoutAddress()
    {
        if (_elements.Length == 0)
        {
            return "/";
        }

        var sb = new StringBuilder();
        foreach (var e in _elements)
        {
            sb.Append('/').Append(e);
        }

        return sb.ToString();
    }

    /// <summary>The full path with address, e.g. `peersync://node@127.0.0.1:4053/user/a`.</summary>
    public override string ToString() => _cachedString ??= Address + ToStringWithoutAddress();

    /// <summary>
    /// Parses a full path (`peersync://sys[@host:port]/user/a`, optionally `#uid`) or fails with an
    /// error naming the problem.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ActorPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = $"actor path '{text}' has no protocol (expected protocol://system/...)";
            return false;
        }

        var protocol = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..];
        long uid = 0;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            if (!long.TryParse(rest[(hash + 1)..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out uid))
            {
                error = $"actor path '{text}' has a bad uid after '#'";
                return false;
            }

            rest = rest[..hash];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var pathPart = slash < 0 ? "" : rest[slash..];
        string system;
        string? host = null;
        int? port = null;
        var at = authority.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            system = authority[..at];
            var hostPort = authority[(at + 1)..];
            var colon = hostPort.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p))
            {
                error = $"actor path '{text}' has a bad host:port '{hostPort}'";
                return false;
            }

            host = hostPort[..colon].Trim('[', ']');
            port = p;
        }
        else
        {
            system = authority;
        }

        if (system.Length == 0)
        {
            error = $"actor path '{text}' has no system name";
            return false;
        }

        var elements = pathPart.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var e in elements)
        {
            if (!ActorNames.IsValid(e, allowReserved: true, out var nameError))
            {
                error = $"actor path '{text}': {nameError}";
                return false;
            }
        }

        path = new ActorPath(new Address(protocol, system, host, port), elements, uid);
        error = null;
        return true;
    }

    public static ActorPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path : throw new FormatException(error);

    public bool Equals(ActorPath? other) =>
        other is not null && Address.Equals(other.Address) && _elements.AsSpan().SequenceEqual(other._elements);

    public override bool Equals(object? obj) => obj is ActorPath other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Address);
        foreach (var e in _elements)
        {
            hash.Add(e, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public int CompareTo(ActorPath? other) =>
        other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    public static bool operator ==(ActorPath? left, ActorPath? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(ActorPath? left, ActorPath? right) => !(left == right);
}
