using Microsoft.Data.Sqlite;

namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// Open connections to one SQLite file, kept for reuse by this process. Microsoft.Data.Sqlite's own
/// pool (<c>Pooling=true</c>) is not used: it treats a connection it is still handing out as leaked
/// (active, owner not yet recorded) and gives the same native handle to a second opener, which then
/// meets the first one's transaction ("cannot start a transaction within a transaction"). Here a
/// connection has one owner from <see cref="Rent"/> to <see cref="Return"/>, is set up once when
/// opened, and comes back only with no transaction open; disposing the cache closes every idle
/// connection, and connections still rented are closed when they come back.
/// </summary>
internal sealed class SqliteConnectionCache : IDisposable
{
    private readonly string _connectionString;
    private readonly Action<SqliteConnection>? _setUp;
    private readonly int _maxIdle;
    private readonly Stack<SqliteConnection> _idle = new();
    private bool _disposed;

    /// <param name="connectionString">The file's connection string; pooling is switched off here.</param>
    /// <param name="setUp">Runs once on each new connection (pragmas); a failure closes it.</param>
    /// <param name="maxIdle">Idle connections kept at most; the rest are closed when returned.</param>
    public SqliteConnectionCache(string connectionString, Action<SqliteConnection>? setUp = null, int maxIdle = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIdle);
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _setUp = setUp;
        _maxIdle = maxIdle;
    }

    /// <summary>An open connection of the caller's own; give it back with <see cref="Return"/>.</summary>
    public SqliteConnection Rent()
    {
        lock (_idle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var idle))
            {
                return idle;
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            _setUp?.Invoke(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes back a rented connection. One still inside a transaction (its owner neither committed
    /// nor rolled back), closed, or beyond the idle bound is closed instead of kept, so the next
    /// owner always starts clean.
    /// </summary>
    public void Return(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.State == System.Data.ConnectionState.Open && !InTransaction(connection))
        {
            lock (_idle)
            {
                if (!_disposed && _idle.Count < _maxIdle)
                {
                    _idle.Push(connection);
                    return;
                }
            }
        }

        connection.Dispose();
    }

    /// <summary>Connections waiting to be rented (for tests and diagnostics).</summary>
    public int IdleCount
    {
        get
        {
            lock (_idle)
            {
                return _idle.Count;
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection[] idle;
        lock (_idle)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            connection.Dispose();
        }
    }

    private static bool InTransaction(SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0;
}

/// <summary>A reader connection rented from a <see cref="SqliteConnectionCache"/>; disposing it gives it back.</summary>
internal readonly struct SqliteReaderLease(SqliteConnectionCache cache, SqliteConnection connection) : IDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public SqliteCommand CreateCommand() => Connection.CreateCommand();

    public void Dispose() => cache.Return(Connection);
}
