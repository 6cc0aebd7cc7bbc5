using System.Reflection;
using System.Runtime.CompilerServices;

namespace PeerSync.Architecture.Tests;

public sealed class ArchitectureTests
{
    private static readonly Assembly[] PeerSyncAssemblies =
    [
        typeof(PeerSync.Actors.ActorSystem).Assembly,
        typeof(PeerSync.Remote.Addressing.NodeId).Assembly,
        Assembly.Load("PeerSync.Cluster"),
        Assembly.Load("PeerSync.Persistence"),
        Assembly.Load("PeerSync.Sync"),
        Assembly.Load("PeerSync.Hosting"),
        typeof(PeerSync.TestKit.TestKitBase).Assembly,
    ];

    /// <summary>
    /// Actors ← Remote ← Cluster ← Sync, Persistence beside (on Actors only), Hosting and Node on
    /// top: a lower layer never reaches up.
    /// </summary>
    [Theory]
    [InlineData("PeerSync.Actors", new string[0])]
    [InlineData("PeerSync.Remote", new[] { "PeerSync.Actors" })]
    [InlineData("PeerSync.Cluster", new[] { "PeerSync.Actors", "PeerSync.Remote" })]
    [InlineData("PeerSync.Persistence", new[] { "PeerSync.Actors" })]
    [InlineData("PeerSync.Sync", new[] { "PeerSync.Actors", "PeerSync.Remote", "PeerSync.Cluster", "PeerSync.Persistence" })]
    public void Projects_depend_in_one_direction(string assembly, string[] allowed)
    {
        var references = Assembly.Load(assembly).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("PeerSync.", StringComparison.Ordinal))
            .ToList();
        var forbidden = references.Except(allowed).ToList();
        Assert.True(forbidden.Count == 0, $"{assembly} must not reference {string.Join(", ", forbidden)}");
    }

    /// <summary>
    /// Protocol machines are pure: no clock, randomness, threads, tasks, I/O or logging. Time and
    /// seeds are handed in; effects are returned. Checked on the compiled IL of every *Machine type.
    /// </summary>
    [Fact]
    public void Machines_use_no_clock_random_threads_io_or_logging()
    {
        var machines = PeerSyncAssemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Name.EndsWith("Machine", StringComparison.Ordinal) && !t.IsInterface)
            .ToList();
        var violations = ImpurityViolations(machines);
        Assert.True(violations.Count == 0, "impure machines:\n" + string.Join("\n", violations));
    }

    /// <summary>The scan itself: it must see clock, random, task and logging use, also inside lambdas.</summary>
    [Fact]
    public void Impurity_scan_finds_each_kind_of_violation()
    {
        var violations = ImpurityViolations([typeof(ImpureSampleMachine)]);
        Assert.Contains(violations, v => v.Contains("DateTime.get_UtcNow", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("System.Random", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Task.Delay", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("System.IO.File", StringComparison.Ordinal));
        Assert.Empty(ImpurityViolations([typeof(PureSampleMachine)]));
    }

    private static List<string> ImpurityViolations(IEnumerable<Type> machines)
    {
        var violations = new List<string>();
        foreach (var machine in machines)
        {
            foreach (var (method, member) in MembersUsedBy(machine))
            {
                if (IsImpure(member))
                {
                    violations.Add($"{machine.FullName}.{method.Name} uses {member.DeclaringType?.FullName}.{member.Name}");
                }
            }
        }

        return violations.Distinct().ToList();
    }

    /// <summary>Time comes from TimeProvider everywhere: nothing reads the wall clock directly.</summary>
    [Fact]
    public void Nothing_reads_the_wall_clock_directly()
    {
        var violations = new List<string>();
        foreach (var type in PeerSyncAssemblies.SelectMany(a => a.GetTypes()))
        {
            foreach (var (method, member) in MembersUsedBy(type))
            {
                if (member.DeclaringType is { } declaring
                    && (declaring == typeof(DateTime) || declaring == typeof(DateTimeOffset))
                    && member.Name is "get_Now" or "get_UtcNow")
                {
                    violations.Add($"{type.FullName}.{method.Name} reads {declaring.Name}.{member.Name[4..]}");
                }
            }
        }

        Assert.True(violations.Count == 0, "use the injected TimeProvider instead:\n" + string.Join("\n", violations.Distinct()));
    }

    private static IEnumerable<(MethodBase Method, MemberInfo Member)> MembersUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = new[] { type }.Concat(type.GetNestedTypes(all).Where(n => n.IsDefined(typeof(CompilerGeneratedAttribute))));
        foreach (var t in types)
        {
            foreach (var method in t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all)))
            {
                foreach (var member in IlScanner.ReferencedMembers(method))
                {
                    yield return (method, member);
                }
            }
        }
    }

    private static bool IsImpure(MemberInfo member)
    {
        var type = member.DeclaringType;
        if (type is null)
        {
            return false;
        }

        var ns = type.Namespace ?? "";
        return type == typeof(TimeProvider)
            || type == typeof(System.Diagnostics.Stopwatch)
            || type == typeof(Random)
            || ((type == typeof(DateTime) || type == typeof(DateTimeOffset)) && member.Name is "get_Now" or "get_UtcNow" or "get_Today")
            || (type == typeof(Environment) && member.Name is "get_TickCount" or "get_TickCount64")
            || type == typeof(Guid) && member.Name == "NewGuid"
            || ns.StartsWith("System.IO", StringComparison.Ordinal)
            || ns.StartsWith("System.Net", StringComparison.Ordinal)
            || ns == "System.Threading" && type != typeof(Interlocked) && type != typeof(Volatile)
            || ns == "System.Threading.Tasks"
            || ns.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal)
            || ns.StartsWith("System.Security.Cryptography", StringComparison.Ordinal) && type.Name.Contains("Random", StringComparison.Ordinal);
    }
}
