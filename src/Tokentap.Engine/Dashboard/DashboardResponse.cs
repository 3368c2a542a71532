// An HTTP response of the dashboard server with the security headers every answer carries.
using System.Text;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// A complete response: status, content type, body and extra headers. Every response carries a strict
/// Content-Security-Policy (own scripts and styles only, no inline code, no framing), nosniff, no-referrer and
/// no-store, and never an Access-Control-* header: other origins get no CORS permission to read anything.
/// </summary>
internal sealed record DashboardResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public const string Json = "application/json; charset=utf-8";
    public const string Text = "text/plain; charset=utf-8";

    public static DashboardResponse Plain(int status, string text, params KeyValuePair<string, string>[] headers) =>
        new(status, Text, Encoding.UTF8.GetBytes(text + "\n"), headers);

    public static DashboardResponse JsonBody(byte[] json) => new(200, Json, json);

    public static DashboardResponse Redirect(string location, string setCookie) =>
        new(303, Text, Encoding.UTF8.GetBytes("See " + location + "\n"), [new("Location", location), new("Set-Cookie", setCookie)]);

    /// <summary>The status line and headers (Connection: close: one request per connection keeps the server simple).</summary>
    public static byte[] Head(int status, string contentType, long? length, IEnumerable<KeyValuePair<string, string>>? headers, bool keepOpen = false)
    {
        var text = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append(' ').Append(Reason(status)).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Security-Policy: ").Append(ContentSecurityPolicy).Append("\r\n")
            .Append("X-Content-Type-Options: nosniff\r\n")
            .Append("X-Frame-Options: DENY\r\n")
            .Append("Referrer-Policy: no-referrer\r\n")
            .Append("Cross-Origin-Resource-Policy: same-origin\r\n")
            .Append("Cache-Control: no-store\r\n");
        if (length is { } bytes)
        {
            text.Append("Content-Length: ").Append(bytes).Append("\r\n");
        }

        foreach (var header in headers ?? [])
        {
            text.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        text.Append(keepOpen ? "" : "Connection: close\r\n").Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Writes the response (without the body for HEAD).</summary>
    public async Task WriteAsync(Stream stream, bool headOnly, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Head(Status, ContentType, Body.Length, Headers), cancellationToken).ConfigureAwait(false);
        if (!headOnly)
        {
            await stream.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
