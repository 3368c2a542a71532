// Why a request could not be parsed, with the status the proxy answers and closes with.
namespace Tokentap.Engine.Proxy;

/// <summary>A parse failure: the status to answer (400, 431, 501, 413) and a short reason for the client.</summary>
internal readonly record struct HttpParseError(int StatusCode, string Message)
{
    public bool IsError => StatusCode != 0;

    public static HttpParseError Malformed(string message) => new(400, message);
}
