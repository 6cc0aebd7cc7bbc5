namespace PeerSync.Cli;

/// <summary>The contract's exit codes (DESIGN.md, External interfaces).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed; the reason is on stderr.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (unknown command, missing argument, bad option value).</summary>
    public const int Usage = 2;
}
