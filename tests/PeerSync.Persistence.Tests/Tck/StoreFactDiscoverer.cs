using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.Persistence.Tests.Tck;

/// <summary>Creates <see cref="StoreTestCase"/>s for <see cref="StoreFactAttribute"/>.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod),
    ];
}
