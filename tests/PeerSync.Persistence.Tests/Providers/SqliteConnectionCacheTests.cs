using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using PeerSync.Persistence.Sqlite;

namespace PeerSync.Persistence.Tests.Providers;

/// <summary>
/// The connection cache that replaces Microsoft.Data.Sqlite's pool: one owner per connection, set up
/// once, never handed on inside a transaction, all closed on dispose.
/// </summary>
public sealed class SqliteConnectionCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "peersync-sqlite-cache-" + Guid.NewGuid().ToString("N")[..12]);

    public SqliteConnectionCacheTests()
    {
        SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConnectionString => $"Data Source={Path.Combine(_dir, "cache.db")};Pooling=True";

    [Fact]
    public void Rent_reuses_a_returned_connection_and_sets_up_each_new_one_once()
    {
        var setUps = 0;
        using var cache = new SqliteConnectionCache(ConnectionString, _ => setUps++);

        var first = cache.Rent();
        cache.Return(first);
        var again = cache.Rent();
        var second = cache.Rent();

        Assert.Same(first, again);
        Assert.NotSame(first, second);
        Assert.Equal(2, setUps);
        cache.Return(again);
        cache.Return(second);
        Assert.Equal(2, cache.IdleCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_refuses_an_idle_bound_below_one(int maxIdle)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteConnectionCache(ConnectionString, maxIdle: maxIdle));
        Assert.Equal("maxIdle", error.ParamName);
    }

    [Fact]
    public void Rent_opens_connections_without_the_drivers_pool()
    {
        using var cache = new SqliteConnectionCache(ConnectionString);
        var connection = cache.Rent();

        Assert.False(new SqliteConnectionStringBuilder(connection.ConnectionString).Pooling);
        cache.Return(connection);
    }

    [Fact]
    public void Return_closes_a_connection_left_inside_a_transaction_so_the_next_owner_starts_clean()
    {
        using var cache = new SqliteConnectionCache(ConnectionString);
        var abandoned = cache.Rent();
        using (var command = abandoned.CreateCommand())
        {
            // A transaction the driver does not know about: only the engine's state shows it.
            command.CommandText = "BEGIN IMMEDIATE";
            command.ExecuteNonQuery();
        }

        cache.Return(abandoned);

        Assert.Equal(System.Data.ConnectionState.Closed, abandoned.State);
        Assert.Equal(0, cache.IdleCount);
        var next = cache.Rent();
        using (var transaction = next.BeginTransaction(deferred: false))
        {
            transaction.Commit();
        }

        cache.Return(next);
        Assert.Equal(1, cache.IdleCount);
    }

    [Fact]
    public void Return_closes_connections_beyond_the_idle_bound()
    {
        using var cache = new SqliteConnectionCache(ConnectionString, maxIdle: 2);
        var rented = Enumerable.Range(0, 3).Select(_ => cache.Rent()).ToList();

        rented.ForEach(cache.Return);

        Assert.Equal(2, cache.IdleCount);
        Assert.Equal(System.Data.ConnectionState.Closed, rented[2].State);
    }

    [Fact]
    public void Dispose_closes_idle_connections_and_those_returned_later_and_refuses_new_rents()
    {
        var cache = new SqliteConnectionCache(ConnectionString);
        var idle = cache.Rent();
        var stillRented = cache.Rent();
        cache.Return(idle);

        cache.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, idle.State);
        Assert.Equal(System.Data.ConnectionState.Open, stillRented.State);
        cache.Return(stillRented);
        Assert.Equal(System.Data.ConnectionState.Closed, stillRented.State);
        Assert.Throws<ObjectDisposedException>(() => cache.Rent());
    }

    [Fact]
    public void Rent_closes_the_connection_and_rethrows_when_set_up_fails()
    {
        using var cache = new SqliteConnectionCache(ConnectionString, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "PRAGMA no_such_thing = ; -- malformed";
            command.ExecuteNonQuery();
        });

        Assert.Throws<SqliteException>(() => cache.Rent());
        Assert.Equal(0, cache.IdleCount);
    }

    [Fact]
    public async Task Concurrent_renters_never_share_a_connection_or_meet_a_transaction()
    {
        using var cache = new SqliteConnectionCache(ConnectionString, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL";
            command.ExecuteNonQuery();
        });
        var first = cache.Rent();
        using (var create = first.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (n INTEGER)";
            create.ExecuteNonQuery();
        }

        cache.Return(first);
        var owners = new ConcurrentDictionary<SqliteConnection, int>(ReferenceEqualityComparer.Instance);
        var failures = new ConcurrentQueue<Exception>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var connection = cache.Rent();
                try
                {
                    Assert.True(owners.TryAdd(connection, worker), "a rented connection already had an owner");
                    using var transaction = connection.BeginTransaction(deferred: i % 2 == 0);
                    using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO t (n) VALUES ($n)";
                    insert.Parameters.AddWithValue("$n", i);
                    insert.ExecuteNonQuery();

                    // Half commit, half leave it to Dispose to roll back.
                    if (i % 2 == 1)
                    {
                        transaction.Commit();
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
                finally
                {
                    owners.TryRemove(connection, out _);
                    cache.Return(connection);
                }
            }
        })));

        Assert.Empty(failures);
        var check = cache.Rent();
        using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(8L * 100, (long)count.ExecuteScalar()!);
        cache.Return(check);
    }
}
