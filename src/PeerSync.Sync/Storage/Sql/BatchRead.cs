using System.Data.Common;

namespace PeerSync.Sync.Storage.Sql;

/// <summary>One read of a batch sent in one round trip: its statement on <see cref="Table"/>, parameters @p0.. and what to do with each row.</summary>
internal sealed record BatchRead(SqlTable Table, string Sql, IReadOnlyList<object> Args, Action<DbDataReader> Row);
