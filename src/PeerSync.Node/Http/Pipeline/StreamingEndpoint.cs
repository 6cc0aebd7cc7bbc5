namespace PeerSync.Node.Http.Pipeline;

/// <summary>Endpoint metadata of the Server-Sent Events routes: long-lived, so the request timeout does not apply.</summary>
internal sealed class StreamingEndpoint
{
    public static readonly StreamingEndpoint Instance = new();

    private StreamingEndpoint()
    {
    }
}
