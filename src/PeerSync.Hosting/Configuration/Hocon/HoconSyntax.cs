namespace PeerSync.Hosting.Configuration.Hocon;

/// <summary>The formats a configuration file may be in, chosen by its extension.</summary>
internal enum HoconSyntax
{
    /// <summary>.properties: Java properties, every value a string.</summary>
    Properties,

    /// <summary>.json: read by the HOCON parser, which gives every JSON document its JSON meaning.</summary>
    Json,

    /// <summary>.conf, and any file named explicitly without a known extension.</summary>
    Conf,
}
