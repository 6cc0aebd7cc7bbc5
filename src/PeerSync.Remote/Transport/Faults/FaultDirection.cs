namespace PeerSync.Remote.Transport.Faults;

/// <summary>Which traffic between two endpoints a fault applies to.</summary>
public enum FaultDirection
{
    /// <summary>Both ways.</summary>
    Both,

    /// <summary>Only frames from the first endpoint named to the second.</summary>
    FirstToSecond,

    /// <summary>Only frames from the second endpoint named to the first.</summary>
    SecondToFirst,
}
