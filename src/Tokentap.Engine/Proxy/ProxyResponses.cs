// Answers the proxy writes itself: CONNECT acknowledgements, 100 Continue, and short plain-text error responses.
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>Writers for the few responses that do not come from an upstream.</summary>
internal static class ProxyResponses
{
    public static readonly byte[] ConnectEstablished = "HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray();

    public static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    /// <summary>Writes a complete plain-text response (the body is "Tokentap: " + message); never throws.</summary>
    public static async Task<bool> TryWriteErrorAsync(Stream client, int statusCode, string message, bool close, CancellationToken cancellationToken)
    {
        try
        {
            var body = Encoding.UTF8.GetBytes("Tokentap: " + message + "\n");
            var head = new StringBuilder()
                .Append("HTTP/1.1 ").Append(statusCode).Append(' ').Append(ReasonPhrase(statusCode)).Append("\r\n")
                .Append("Content-Type: text/plain; charset=utf-8\r\n")
                .Append("Content-Length: ").Append(body.Length).Append("\r\n")
                .Append("X-Tokentap-Error: ").Append(statusCode).Append("\r\n");
            if (close)
            {
                head.Append("Connection: close\r\n");
            }

            head.Append("\r\n");
            var headBytes = Encoding.ASCII.GetBytes(head.ToString());
            var all = new byte[headBytes.Length + body.Length];
            headBytes.CopyTo(all, 0);
            body.CopyTo(all, headBytes.Length);
            await client.WriteAsync(all, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Writes a request gate's answer as a complete response; never throws.</summary>
    public static async Task<bool> TryWriteRefusalAsync(Stream client, GateRefusal refusal, bool close, CancellationToken cancellationToken)
    {
        try
        {
            var head = new StringBuilder()
                .Append("HTTP/1.1 ").Append(refusal.StatusCode).Append(' ').Append(ReasonPhrase(refusal.StatusCode)).Append("\r\n")
                .Append("Content-Type: ").Append(refusal.ContentType).Append("\r\n")
                .Append("Content-Length: ").Append(refusal.Body.Length).Append("\r\n")
                .Append("X-Tokentap-Error: ").Append(refusal.StatusCode).Append("\r\n");
            foreach (var (name, value) in refusal.Headers)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            if (close)
            {
                head.Append("Connection: close\r\n");
            }

            head.Append("\r\n");
            var headBytes = Encoding.ASCII.GetBytes(head.ToString());
            var all = new byte[headBytes.Length + refusal.Body.Length];
            headBytes.CopyTo(all, 0);
            refusal.Body.CopyTo(all, headBytes.Length);
            await client.WriteAsync(all, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The standard reason phrase of a status code, or an empty string.</summary>
    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => string.Empty,
    };
}
