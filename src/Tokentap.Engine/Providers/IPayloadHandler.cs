// Receives the JSON payloads a response framer cuts out of a body (SSE data, JSON-array elements, a JSON body).
namespace Tokentap.Engine.Providers;

/// <summary>Gets one complete payload at a time; the spans are only valid during the call.</summary>
internal interface IPayloadHandler
{
    /// <summary>One payload: an SSE event's data (with its event name, empty when none) or a JSON object.</summary>
    void OnPayload(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    /// <summary>The framer dropped data (an event or object larger than its limit).</summary>
    void OnFramingError(string message);
}
