using System.Diagnostics.CodeAnalysis;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// Sizes in bytes written the HOCON way: a number and an optional unit, <c>4MiB</c>, <c>4M</c>,
/// <c>512k</c>, <c>10 megabytes</c>; a bare number is bytes (<c>1000</c>). As the spec says,
/// one-letter and "i" units are powers of two (K, k, Ki, KiB, kibibyte(s) = 1024 ... Y/YiB) and
/// the "B" units are powers of ten (kB, kilobyte(s) = 1000 ... YB); B, b, byte, bytes are one
/// byte. The result must be a whole, non-negative number of bytes that fits in a long.
/// </summary>
public static class ByteSize
{
    /// <summary>The accepted units, for error messages.</summary>
    public const string AcceptedUnits =
        "B, K/KiB, M/MiB, G/GiB, T/TiB, P/PiB, E/EiB (powers of 1024), kB, MB, GB, TB, PB, EB (powers of 1000), or their long forms such as mebibytes and megabytes; a bare number means bytes";

    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildUnits();

    /// <summary>Parses a size or throws <see cref="FormatException"/> naming the problem.</summary>
    public static long Parse(string text) =>
        TryParse(text, out var bytes, out var error) ? bytes : throw new FormatException(error);

    public static bool TryParse(string? text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        switch (UnitQuantity.TrySplit(text, out var number, out var unit))
        {
            case UnitQuantity.Problem.Empty:
                error = $"a size must not be empty; write a number and a unit, such as 4MiB or 512k, using {AcceptedUnits}";
                return false;
            case UnitQuantity.Problem.NotANumber:
                error = $"'{text}' is not a size: expected a number and a unit, such as 4MiB or 512k, using {AcceptedUnits}";
                return false;
            case UnitQuantity.Problem.OutOfRange:
                error = OutOfRange(text);
                return false;
        }

        if (!BytesPerUnit.TryGetValue(unit, out var bytesPerUnit))
        {
            error = $"'{text}' is not a size: unknown unit '{unit}'; use {AcceptedUnits}";
            return false;
        }

        if (number < 0)
        {
            error = $"'{text}' is negative; a size must be zero or more bytes";
            return false;
        }

        if (number > long.MaxValue / bytesPerUnit)
        {
            error = OutOfRange(text);
            return false;
        }

        var exact = number * bytesPerUnit;
        if (exact != decimal.Truncate(exact))
        {
            error = $"'{text}' is {exact} bytes; a size must be a whole number of bytes";
            return false;
        }

        bytes = (long)exact;
        error = null;
        return true;
    }

    private static string OutOfRange(string? text) =>
        $"'{text}' is out of range for a size: at most {long.MaxValue} bytes (8 EiB)";

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal) { [""] = 1, ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1 };
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        const string letters = "KMGTPEZY";
        decimal powerOfTen = 1, powerOfTwo = 1;
        for (var i = 0; i < letters.Length; i++)
        {
            powerOfTen *= 1000;
            powerOfTwo *= 1024;
            var upper = letters[i].ToString();
            var lower = char.ToLowerInvariant(letters[i]).ToString();
            foreach (var name in new[] { (i == 0 ? "k" : upper) + "B", decimalNames[i] + "byte", decimalNames[i] + "bytes" })
            {
                units.Add(name, powerOfTen);
            }

            foreach (var name in new[] { upper, lower, upper + "i", upper + "iB", binaryNames[i] + "byte", binaryNames[i] + "bytes" })
            {
                units.Add(name, powerOfTwo);
            }
        }

        return units;
    }
}
