using System.Reflection;
using PeerSync.Benchmarks.Harness;

// Usage: dotnet run -c Release --project bench/PeerSync.Benchmarks -- <suite|all|list> [--quick] [--json]
var suites = typeof(IBenchmarkSuite).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToDictionary(s => s.Name, StringComparer.Ordinal);

var quick = args.Contains("--quick");
var json = args.Contains("--json");
var unknownFlags = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a is not "--quick" and not "--json").ToList();
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();

if (unknownFlags.Count > 0 || names.Count == 0)
{
    if (unknownFlags.Count > 0)
    {
        Console.Error.WriteLine($"unknown option: {string.Join(", ", unknownFlags)}");
    }

    Console.Error.WriteLine("usage: PeerSync.Benchmarks <suite...|all|list> [--quick] [--json]");
    Console.Error.WriteLine($"suites: {string.Join(", ", suites.Keys)}");
    return 2;
}

if (names is ["list"])
{
    foreach (var s in suites.Values)
    {
        Console.WriteLine($"{s.Name,-14} {s.Description}");
    }

    return 0;
}

var selected = names is ["all"] ? suites.Values.ToList() : new List<IBenchmarkSuite>();
if (names is not ["all"])
{
    foreach (var name in names)
    {
        if (!suites.TryGetValue(name, out var suite))
        {
            Console.Error.WriteLine($"unknown suite '{name}'; known suites: {string.Join(", ", suites.Keys)}");
            return 2;
        }

        selected.Add(suite);
    }
}

IResultSink sink = json ? new JsonLinesSink(Console.Out) : new TableSink(Console.Out);
foreach (var suite in selected)
{
    await suite.RunAsync(new BenchmarkContext(suite.Name, quick, sink));
}

sink.Complete();
return 0;
