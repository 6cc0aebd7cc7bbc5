namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// A conformance-suite fact. The suite's methods are declared once on the abstract spec, so the
/// skip decision is made per concrete class: on a <see cref="RequiresPostgresAttribute"/> class
/// without `PEERSYNC_TEST_POSTGRES` the test reports as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[Xunit.Sdk.XunitTestCaseDiscoverer("PeerSync.Persistence.Tests.Tck.StoreFactDiscoverer", "PeerSync.Persistence.Tests")]
public sealed class StoreFactAttribute : FactAttribute;
