using System.Net.Sockets;
using Npgsql;

namespace PeerSync.Persistence.Postgres;

/// <summary>What a PostgreSQL failure means for the call that met it.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// Whether the call lost its connection rather than being refused: the server restarted or
    /// ended the backend (SQLSTATE class 08, or 57P01-57P03), or the socket failed. A pooled
    /// connection that sat idle through a server restart fails this way on its first use.
    /// </summary>
    public static bool LostConnection(Exception failure) => failure switch
    {
        PostgresException refused => refused.SqlState.StartsWith("08", StringComparison.Ordinal)
            || refused.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException lost => lost.InnerException is IOException or SocketException,
        _ => false,
    };
}
