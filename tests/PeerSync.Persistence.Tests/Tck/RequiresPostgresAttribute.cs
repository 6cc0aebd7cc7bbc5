namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// Marks a spec subclass that runs against PostgreSQL: its <see cref="StoreFactAttribute"/> tests
/// report as skipped when `PEERSYNC_TEST_POSTGRES` is unset.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPostgresAttribute : Attribute;
