using System.Globalization;

namespace PeerSync.Hosting.Configuration;

/// <summary>
/// The HOCON "units format": optional whitespace, a number, optional whitespace, an optional unit
/// made of letters, optional whitespace (<c>3s</c>, <c>1.5 minutes</c>, <c>512k</c>, <c>250</c>).
/// The unit is the trailing run of letters, so <c>1e</c> is one exbibyte while <c>1e3</c> is a
/// thousand in the default unit.
/// </summary>
internal static class UnitQuantity
{
    private const NumberStyles NumberStyle =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public enum Problem
    {
        None,
        Empty,
        NotANumber,
        OutOfRange,
    }

    public static Problem TrySplit(string? text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return Problem.Empty;
        }

        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        unit = trimmed[unitStart..].ToString();
        var numberText = trimmed[..unitStart].TrimEnd();
        if (numberText.IsEmpty || numberText.ContainsAny(" \t"))
        {
            return Problem.NotANumber;
        }

        if (decimal.TryParse(numberText, NumberStyle, CultureInfo.InvariantCulture, out number))
        {
            return Problem.None;
        }

        // A well-formed number too large for decimal (1e400) is a range problem, not a syntax one.
        return double.TryParse(numberText, NumberStyle, CultureInfo.InvariantCulture, out _)
            ? Problem.OutOfRange
            : Problem.NotANumber;
    }
}
