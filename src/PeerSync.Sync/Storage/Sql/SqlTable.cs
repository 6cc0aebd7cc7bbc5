namespace PeerSync.Sync.Storage.Sql;

/// <summary>A column of a <see cref="SqlTable"/>: text (string, may be null) or integer (long).</summary>
internal readonly record struct SqlColumn(string Name, bool IsText);

/// <summary>
/// A table of the sync schema as the SQL of its row writes, one row at a time (SQLite) or many rows
/// in one statement through arrays (PostgreSQL: `INSERT ... SELECT * FROM unnest(@p0, @p1, ...)`).
/// Both forms write the same columns with the same conflict rule. Rows are values in column order;
/// the first <see cref="KeyColumns"/> columns are the primary key.
/// </summary>
internal sealed class SqlTable
{
    private readonly List<string> _keys;

    public SqlTable(string name, int keyColumns, bool keepExisting, params SqlColumn[] columns)
    {
        Name = name;
        Columns = columns;
        KeyColumns = keyColumns;
        KeepExisting = keepExisting;
        var names = string.Join(", ", columns.Select(c => c.Name));
        var keys = columns.Take(keyColumns).Select(c => c.Name).ToList();

        // An upsert sets every other column, so it leaves the same row whatever was there before;
        // a kept row (the log's) is never overwritten.
        var onConflict = keepExisting
            ? "ON CONFLICT DO NOTHING"
            : $"ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", columns.Skip(keyColumns).Select(c => $"{c.Name} = excluded.{c.Name}"))}";
        InsertRow = $"INSERT INTO {name} ({names}) VALUES ({string.Join(", ", Parameters(columns.Length))}) {onConflict}";
        InsertRows = $"INSERT INTO {name} ({names}) SELECT * FROM unnest({string.Join(", ", Parameters(columns.Length))}) {onConflict}";
        DeleteRow = $"DELETE FROM {name} WHERE {string.Join(" AND ", keys.Select((k, i) => $"{k} = @p{i}"))}";
        DeleteRows = $"DELETE FROM {name} AS x USING unnest({string.Join(", ", Parameters(keyColumns))}) AS d({string.Join(", ", keys.Select((_, i) => $"k{i}"))}) " +
            $"WHERE {string.Join(" AND ", keys.Select((k, i) => $"x.{k} = d.k{i}"))}";
        _keys = keys;
    }

    /// <summary>The qualified table name.</summary>
    public string Name { get; }

    public IReadOnlyList<SqlColumn> Columns { get; }

    public int KeyColumns { get; }

    /// <summary>Whether an insert keeps a row already there (`ON CONFLICT DO NOTHING`) instead of replacing it.</summary>
    public bool KeepExisting { get; }

    /// <summary>One row: parameters @p0.. in column order.</summary>
    public string InsertRow { get; }

    /// <summary>Many rows: @p0.. are arrays of equal length, one per column.</summary>
    public string InsertRows { get; }

    /// <summary>One row by key: @p0.. are the key's values.</summary>
    public string DeleteRow { get; }

    /// <summary>Many rows by key: @p0.. are arrays, one per key column.</summary>
    public string DeleteRows { get; }

    /// <summary>
    /// Many rows by key in one statement (PostgreSQL): @p0.. are arrays, one per key column, of
    /// distinct keys; the rows found come back in the order of their keys.
    /// <para>
    /// Each key is a probe of its own (a LATERAL subquery with LIMIT is never flattened into a join),
    /// so the plan is what a point lookup's is whatever the table's statistics say: a plain join
    /// of `unnest` with the table was planned as a hash join over a scan of the whole table when the
    /// table was new (no statistics yet), and kept as the prepared statement's generic plan.
    /// </para>
    /// </summary>
    public string LookupRows(string columns) =>
        $"SELECT x.* FROM unnest({string.Join(", ", Parameters(_keys.Count))}) WITH ORDINALITY AS q({string.Join(", ", _keys.Select((_, i) => $"k{i}"))}, i) " +
        $"CROSS JOIN LATERAL (SELECT {columns} FROM {Name} WHERE {string.Join(" AND ", _keys.Select((k, i) => $"{k} = q.k{i}"))} LIMIT 1) AS x ORDER BY q.i";

    /// <summary>
    /// Many rows by key in one statement (SQLite): @p0 is a JSON array of keys, each an array of the
    /// key columns' values, distinct; the rows found come back in the order of their keys. The
    /// CROSS JOIN keeps the keys as the outer loop, so each key is a primary-key probe.
    /// </summary>
    public string LookupRowsJson(string columns) =>
        $"SELECT {string.Join(", ", columns.Split(", ").Select(c => "t." + c))} FROM json_each(@p0) AS q CROSS JOIN {Name} AS t " +
        $"ON {string.Join(" AND ", _keys.Select((k, i) => $"t.{k} = json_extract(q.value, '$[{i}]')"))} ORDER BY q.key";

    /// <summary>The parameter name of column <paramref name="index"/>.</summary>
    public static string Parameter(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<string> Parameters(int count) => Enumerable.Range(0, count).Select(Parameter);
}
