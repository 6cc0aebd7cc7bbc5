using System.Data.Common;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>
/// The row writes of one session not sent yet (PostgreSQL), kept per table as what each key will
/// hold, and sent as one multi-row statement per table and kind (<see cref="SqlTable.InsertRows"/>,
/// <see cref="SqlTable.DeleteRows"/>) in one round trip.
/// <para>
/// Several writes of one key between two flushes leave one entry, and that is exact: an upsert
/// sets every column of its row and a delete removes it, so the last of them decides what the key
/// holds whatever came before (in the session or in the table); in a table that keeps existing rows
/// (the log) the first insert decides, as a later one would do nothing. It is also required:
/// `ON CONFLICT DO UPDATE` refuses to touch one row twice in one statement. Keys are distinct
/// within a flush, so the statements commute; tables have no triggers or foreign keys between them.
/// </para>
/// </summary>
internal sealed class PendingRows
{
    private readonly Dictionary<SqlTable, Dictionary<RowKey, Entry>> _tables = [];

    /// <summary>Distinct rows queued.</summary>
    public int Count { get; private set; }

    /// <summary>Characters of the text values queued (replaced ones included): bounds the size of a flush.</summary>
    public long TextChars { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Queues an insert (an upsert, or an insert that keeps an existing row in a <see cref="SqlTable.KeepExisting"/> table).</summary>
    public void Insert(SqlTable table, object?[] row)
    {
        if (row.Length != table.Columns.Count)
        {
            throw new ArgumentException($"a row of {table.Name} has {table.Columns.Count} values, not {row.Length}", nameof(row));
        }

        var rows = Rows(table);
        var key = RowKey.Of(row, table.KeyColumns);
        if (table.KeepExisting && rows.ContainsKey(key))
        {
            return;
        }

        Put(rows, key, new Entry(false, row));
    }

    /// <summary>Queues the delete of the row with <paramref name="key"/> (values of the key columns).</summary>
    public void Delete(SqlTable table, object?[] key)
    {
        // A delete then an insert into a table that keeps existing rows would have to be two
        // statements in order; no such table is deleted from by key, so refuse rather than guess.
        if (table.KeepExisting)
        {
            throw new InvalidOperationException($"rows of {table.Name} are not deleted by key");
        }

        if (key.Length != table.KeyColumns)
        {
            throw new ArgumentException($"a key of {table.Name} has {table.KeyColumns} values, not {key.Length}", nameof(key));
        }

        Put(Rows(table), RowKey.Of(key, table.KeyColumns), new Entry(true, key));
    }

    /// <summary>Whether a write to <paramref name="table"/> is queued.</summary>
    public bool Touches(SqlTable table) => _tables.TryGetValue(table, out var rows) && rows.Count > 0;

    /// <summary>Adds the queued writes to <paramref name="batch"/> (inserts, then deletes, per table in first-use order) and forgets them.</summary>
    public void MoveTo(DbBatch batch)
    {
        foreach (var (table, rows) in _tables)
        {
            var inserts = rows.Values.Where(e => !e.IsDelete).Select(e => e.Values).ToList();
            var deletes = rows.Values.Where(e => e.IsDelete).Select(e => e.Values).ToList();
            if (inserts.Count > 0)
            {
                batch.BatchCommands.Add(Statement(batch, table.InsertRows, table.Columns, inserts));
            }

            if (deletes.Count > 0)
            {
                batch.BatchCommands.Add(Statement(batch, table.DeleteRows, table.Columns.Take(table.KeyColumns).ToList(), deletes));
            }
        }

        _tables.Clear();
        Count = 0;
        TextChars = 0;
    }

    private Dictionary<RowKey, Entry> Rows(SqlTable table)
    {
        if (!_tables.TryGetValue(table, out var rows))
        {
            _tables[table] = rows = [];
        }

        return rows;
    }

    private void Put(Dictionary<RowKey, Entry> rows, RowKey key, Entry entry)
    {
        if (!rows.ContainsKey(key))
        {
            Count++;
        }

        // Assigning an existing key keeps its place: the statement's row order stays first-use order.
        rows[key] = entry;
        foreach (var value in entry.Values)
        {
            TextChars += value is string s ? s.Length : 0;
        }
    }

    /// <summary>One statement whose parameter i is the array of column i over <paramref name="rows"/>.</summary>
    private static DbBatchCommand Statement(DbBatch batch, string sql, IReadOnlyList<SqlColumn> columns, List<object?[]> rows)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        for (var c = 0; c < columns.Count; c++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = SqlTable.Parameter(c);
            parameter.Value = columns[c].IsText ? TextColumn(rows, c) : IntegerColumn(rows, c);
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static string?[] TextColumn(List<object?[]> rows, int column)
    {
        var values = new string?[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            values[r] = (string?)rows[r][column];
        }

        return values;
    }

    private static long[] IntegerColumn(List<object?[]> rows, int column)
    {
        var values = new long[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            values[r] = (long)rows[r][column]!;
        }

        return values;
    }

    private readonly record struct Entry(bool IsDelete, object?[] Values);

    /// <summary>The key columns of a row (at most three), compared by value.</summary>
    private readonly record struct RowKey(object? K0, object? K1, object? K2)
    {
        public static RowKey Of(object?[] values, int keyColumns) =>
            keyColumns switch
            {
                1 => new(values[0], null, null),
                2 => new(values[0], values[1], null),
                3 => new(values[0], values[1], values[2]),
                _ => throw new ArgumentOutOfRangeException(nameof(keyColumns), keyColumns, "keys of one to three columns"),
            };
    }
}
