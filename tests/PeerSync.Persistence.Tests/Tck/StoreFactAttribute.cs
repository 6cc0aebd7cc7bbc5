using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>
/// A conformance-suite fact. The suite's methods are declared once on the abstract spec, so the
/// skip decision is made per concrete class: on a <see cref="RequiresPostgresAttribute"/> class
/// without `PEERSYNC_TEST_POSTGRES` the test reports as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("PeerSync.Persistence.Tests.Tck.StoreFactDiscoverer", "PeerSync.Persistence.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Creates <see cref="StoreTestCase"/>s for <see cref="StoreFactAttribute"/>.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod),
    ];
}

/// <summary>A test case whose skip reason comes from its class (see <see cref="StoreFactAttribute"/>).</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, displayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        PostgresTestDatabase.SkipReasonFor(TestMethod.TestClass.Class) ?? base.GetSkipReason(factAttribute);
}
