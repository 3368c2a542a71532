// The answer a request gate gives instead of forwarding a request: a complete HTTP response and the reason for the record.
namespace Tokentap.Engine.Proxy;

/// <summary>A response the proxy writes itself in place of the upstream's, and why.</summary>
public sealed class GateRefusal
{
    /// <summary>The status code of the answer.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The Content-Type of <see cref="Body"/>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>The response body, complete.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Extra response headers (for example x-should-retry: false).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Why the request was refused, in one line, for the event and the failure log.</summary>
    public required string Reason { get; init; }
}
