namespace PeerSync.Persistence.Sqlite;

/// <summary>
/// SQLite's `PRAGMA synchronous` in WAL mode: how far a commit goes before the journal acknowledges it.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>No fsync. A process crash loses nothing, but a power loss or OS crash can lose recent commits and may corrupt the file. Benchmarks only.</summary>
    Off,

    /// <summary>fsync at checkpoints only. A process crash loses nothing; a power loss or OS crash can lose the last commits (never corrupts).</summary>
    Normal,

    /// <summary>fsync of the WAL at every commit (the default). Nothing acknowledged is lost on a process, OS or power failure.</summary>
    Full,

    /// <summary>Full plus an fsync of the directory after the WAL is reset; for file systems that need it.</summary>
    Extra,
}
