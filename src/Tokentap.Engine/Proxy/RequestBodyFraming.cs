// How a request body is delimited on the wire.
namespace Tokentap.Engine.Proxy;

/// <summary>How a request body is delimited.</summary>
internal enum RequestBodyFraming
{
    None,
    ContentLength,
    Chunked,
}
