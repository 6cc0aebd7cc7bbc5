namespace PeerSync.Hosting.Configuration.Binding;

/// <summary>
/// "Did you mean ...?" for an unknown key: a near-miss among the keys of the same section (a typo),
/// else the same or a near-miss name in another section (a key put in the wrong place).
/// </summary>
internal static class KeySuggestions
{
    public static string? Suggest(string name, SchemaSection section, SchemaSection root)
    {
        var normalized = Normalize(name);
        var sibling = Closest(normalized, section.Children.Where(c => c is not RefusedKey), e => e.Name);
        if (sibling is not null)
        {
            return sibling.Path;
        }

        var elsewhere = root.Descendants().Where(e => e is not RefusedKey && e is not SchemaSection).ToList();
        var sameName = elsewhere
            .Where(e => string.Equals(Normalize(e.Name), normalized, StringComparison.Ordinal))
            .MinBy(e => Distance($"{section.Path}.{normalized}", e.Path));
        return sameName?.Path ?? Closest(normalized, elsewhere, e => e.Name)?.Path;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static SchemaEntry? Closest(string name, IEnumerable<SchemaEntry> candidates, Func<SchemaEntry, string> nameOf)
    {
        // A third of the name, at least 2: "prot" finds "port", "hostnme" finds "hostname", but
        // "id" does not find "ip"-like strangers from far away.
        var limit = Math.Max(2, name.Length / 3);
        return candidates
            .Select(c => (Entry: c, Distance: Distance(name, Normalize(nameOf(c)))))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Select(c => c.Entry)
            .FirstOrDefault();
    }

    private static string Normalize(string name) => name.ToLowerInvariant().Replace('_', '-');
}
