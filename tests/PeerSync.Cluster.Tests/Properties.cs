using FsCheck;
using FsCheck.Fluent;

namespace PeerSync.Cluster.Tests;

/// <summary>Runs FsCheck properties with a fixed seed, so a property test is as deterministic as the rest.</summary>
internal static class Properties
{
    public static void Check(Property property, int maxTest = 300) =>
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithReplay(0x5EED_CAFEUL, 0x9E3779B97F4A7C15UL | 1));
}
