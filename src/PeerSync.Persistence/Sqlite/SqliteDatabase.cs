using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PeerSync.Persistence.Configuration;
using PeerSync.Persistence.Errors;

namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// One node's SQLite file, shared by its journal and snapshot store. SQLite allows one writer at a
/// time, so exactly one connection writes, behind <see cref="WithWriterAsync{T}"/>; readers rent
/// connections of their own from a <see cref="SqliteConnectionCache"/> and, in WAL mode, never wait
/// for the writer.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private static readonly Lazy<bool> NativeLibrary = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private readonly SqliteConnectionCache _readers;
    private int _disposed;

    private SqliteDatabase(string path, SqliteConnection writer, string readerConnectionString)
    {
        Location = path;
        _writer = writer;
        _readers = new SqliteConnectionCache(readerConnectionString);
    }

    public string Location { get; }

    public static SqliteDatabase Open(SqliteJournalOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ = NativeLibrary.Value;
        var path = options.DatabasePath;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceStorageException($"cannot create the data directory for {path} ({PersistenceConfigKeys.DataDir}): {ex.Message}", inner: ex);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (options.BusyTimeoutMs + 999) / 1000),
        };
        var writer = new SqliteConnection(builder.ToString());
        try
        {
            writer.Open();
            Pragma(writer, $"PRAGMA busy_timeout = {options.BusyTimeoutMs}");
            var mode = Convert.ToString(Scalar(writer, "PRAGMA journal_mode = WAL"), System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new PersistenceStorageException($"SQLite database {path} refused WAL mode (journal_mode is '{mode}'); is it on a file system without shared memory support?");
            }

            Pragma(writer, $"PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()}");
            SqliteSchema.EnsureCreated(writer, path, time.GetUtcNow().ToUnixTimeMilliseconds(), logger);
        }
        catch (SqliteException ex)
        {
            writer.Dispose();
            throw new PersistenceStorageException($"cannot open the SQLite database {path}: {ex.Message}", inner: ex);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return new SqliteDatabase(path, writer, builder.ToString());
    }

    /// <summary>An open connection for reading, the caller's alone until the lease is disposed.</summary>
    public SqliteReaderLease OpenReader()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return new SqliteReaderLease(_readers, _readers.Rent());
    }

    /// <summary>Runs <paramref name="action"/> on the one writing connection, excluding every other writer.</summary>
    public async Task<T> WithWriterAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            return action(_writer);
        }
        finally
        {
            _writerGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _writerGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _writer.Dispose();

            // Idle reader connections keep the file open; a closed node must release it.
            _readers.Dispose();
        }
        finally
        {
            _writerGate.Release();
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
