using System.Collections;
using System.Reflection;

namespace PeerSync.Hosting.Tests.Options;

/// <summary>
/// Compares two options trees property by property (reflection, independent of the binder's
/// schema) and names each differing leaf by its property path, e.g. `Cluster.HeartbeatInterval`.
/// A collection counts as one leaf.
/// </summary>
internal static class OptionsDiff
{
    public static List<string> Differences(object expected, object actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "", differences);
        return differences;
    }

    /// <summary>Every leaf property path of an options tree: settable values and collections.</summary>
    public static List<string> Leaves(Type type, string path = "")
    {
        var leaves = new List<string>();
        foreach (var property in Properties(type))
        {
            var name = Join(path, property.Name);
            if (IsOptionsClass(property.PropertyType))
            {
                leaves.AddRange(Leaves(property.PropertyType, name));
            }
            else if (property.SetMethod?.IsPublic == true || IsCollection(property.PropertyType))
            {
                leaves.Add(name);
            }
        }

        return leaves;
    }

    private static void Compare(object? expected, object? actual, string path, List<string> differences)
    {
        if (expected is null || actual is null)
        {
            if (!ReferenceEquals(expected, actual))
            {
                differences.Add(path);
            }

            return;
        }

        var type = expected.GetType();
        if (IsOptionsClass(type))
        {
            foreach (var property in Properties(type))
            {
                Compare(property.GetValue(expected), property.GetValue(actual), Join(path, property.Name), differences);
            }

            return;
        }

        if (expected is IDictionary expectedMap && actual is IDictionary actualMap)
        {
            var same = expectedMap.Count == actualMap.Count && expectedMap.Keys.Cast<object>().All(k =>
                actualMap.Contains(k) && Differences(Box(expectedMap[k]), Box(actualMap[k])).Count == 0);
            if (!same)
            {
                differences.Add(path);
            }

            return;
        }

        if (expected is IEnumerable expectedList and not string && actual is IEnumerable actualList)
        {
            if (!expectedList.Cast<object?>().SequenceEqual(actualList.Cast<object?>()))
            {
                differences.Add(path);
            }

            return;
        }

        if (!Equals(expected, actual))
        {
            differences.Add(path);
        }
    }

    /// <summary>Values compared through <see cref="Compare"/> need an object; scalars compare by Equals there.</summary>
    private static object Box(object? value) => value ?? "<null>";

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null);

    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("PeerSync.", StringComparison.Ordinal) == true;

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
