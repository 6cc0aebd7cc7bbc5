using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerSync.Sync.Tests.Support;

/// <summary>
/// A fact of the record store conformance suite. On a test class marked
/// <see cref="RequiresPostgresAttribute"/> it is reported as skipped (not passed, not hidden) when
/// PEERSYNC_TEST_POSTGRES is unset; .ci/run sets it to a private server.
/// </summary>
[XunitTestCaseDiscoverer("PeerSync.Sync.Tests.Support.StoreFactDiscoverer", "PeerSync.Sync.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>Marks a conformance subclass that needs the PostgreSQL server of PEERSYNC_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequiresPostgresAttribute : Attribute
{
    public const string Variable = "PEERSYNC_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;
}

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && RequiresPostgresAttribute.ConnectionString is null)
        {
            return
            [
                new XunitSkippedDataRowTestCase(
                    _sink,
                    discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(),
                    testMethod,
                    $"PostgreSQL tests need {RequiresPostgresAttribute.Variable} (a connection string); .ci/run sets it"),
            ];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
