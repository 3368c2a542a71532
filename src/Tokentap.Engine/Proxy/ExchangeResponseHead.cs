// The status line and headers of an upstream response, as handed to observers.
namespace Tokentap.Engine.Proxy;

/// <summary>The upstream response's status and headers.</summary>
public sealed class ExchangeResponseHead
{
    /// <summary>Status code as the upstream sent it.</summary>
    public required int StatusCode { get; init; }

    /// <summary>Response headers as the upstream sent them.</summary>
    public required HeaderList Headers { get; init; }

    /// <summary>Milliseconds from the request start to the first upstream response byte.</summary>
    public required double TimeToFirstByteMs { get; init; }
}
