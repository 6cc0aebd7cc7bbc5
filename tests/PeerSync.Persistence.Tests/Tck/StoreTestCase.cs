using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.Persistence.Tests.Tck;

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
