namespace PeerSync.Persistence.Schema;

/// <summary>One step of a backend's schema: applied in one transaction, recorded in its migrations table.</summary>
internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements);
