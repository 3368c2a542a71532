// A request as a mock upstream received it, recorded for assertions.
namespace Tokentap.Testing;

/// <summary>One received request: line, headers and the whole body (already de-chunked by the server).</summary>
public sealed class MockRequest
{
    public required string Method { get; init; }

    /// <summary>The path (decoded), e.g. /v1/messages.</summary>
    public required string Path { get; init; }

    /// <summary>The query string including its leading '?', or empty.</summary>
    public required string Query { get; init; }

    public string PathAndQuery => Path + Query;

    /// <summary>The Host header the upstream saw.</summary>
    public required string Host { get; init; }

    /// <summary>Header fields (one entry per value).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    public required byte[] Body { get; init; }

    /// <summary>The Content-Length the request declared, or null (chunked or bodiless).</summary>
    public long? ContentLength { get; init; }

    /// <summary>True when the request arrived with Transfer-Encoding: chunked.</summary>
    public bool WasChunked { get; init; }

    /// <summary>The server's id of the connection the request came on (requests on one connection share it).</summary>
    public required string ConnectionId { get; init; }

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>The first value of a header (case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
