using System.Data.Common;
using PeerSync.Hosting.Configuration.Binding;

namespace PeerSync.Hosting.Configuration.Printing;

/// <summary>Hides secrets in what --print-config shows, while still showing whether they are set.</summary>
internal static class SecretMasking
{
    public static string Apply(SecretKind kind, string value) => kind switch
    {
        SecretKind.Whole => value.Length == 0 ? "" : EffectiveConfiguration.Mask,
        SecretKind.ConnectionString => ConnectionString(value),
        _ => value,
    };

    /// <summary>
    /// Masks every part whose name mentions a password (Password, Pwd, SSL Password...), keeping
    /// host, database and user visible for diagnosis. A string that cannot be parsed is masked whole,
    /// since nothing tells where its password is.
    /// </summary>
    public static string ConnectionString(string value)
    {
        if (value.Length == 0)
        {
            return "";
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            return EffectiveConfiguration.Mask;
        }

        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            {
                builder[key] = EffectiveConfiguration.Mask;
            }
        }

        return builder.ConnectionString;
    }
}
