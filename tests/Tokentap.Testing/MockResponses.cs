// Ready-made mock handlers: JSON, raw bytes, gzip, streams fed by the test, echo, hang, upgrade refusals.
using System.IO.Compression;
using System.Text;

namespace Tokentap.Testing;

/// <summary>Handlers for the common cases; combine with <see cref="MockUpstream.Map"/>.</summary>
public static class MockResponses
{
    /// <summary>A JSON body with Content-Length.</summary>
    public static MockHandler Json(string json, int status = 200, params (string Name, string Value)[] headers) =>
        Bytes(Encoding.UTF8.GetBytes(json), "application/json", status, headers);

    /// <summary>A fixed body with Content-Length.</summary>
    public static MockHandler Bytes(byte[] body, string contentType, int status = 200, params (string Name, string Value)[] headers) =>
        async context =>
        {
            context.Status(status).Header("Content-Type", contentType);
            foreach (var (name, value) in headers)
            {
                context.Header(name, value);
            }

            context.Http.Response.ContentLength = body.Length;
            await context.Http.Response.Body.WriteAsync(body, context.Aborted);
        };

    /// <summary>The body gzip-compressed, with Content-Encoding: gzip and Content-Length of the compressed bytes.</summary>
    public static MockHandler Gzip(byte[] uncompressed, string contentType, params (string Name, string Value)[] headers) =>
        Bytes(GzipBytes(uncompressed), contentType, 200, headers.Append(("Content-Encoding", "gzip")).ToArray());

    /// <summary>A chunked body whose chunks the test sends through the feed.</summary>
    public static MockHandler Stream(MockChunkFeed feed, string contentType = "text/event-stream", params (string Name, string Value)[] headers) =>
        context =>
        {
            context.Header("Content-Type", contentType);
            foreach (var (name, value) in headers)
            {
                context.Header(name, value);
            }

            return feed.RunAsync(context);
        };

    /// <summary>
    /// Echoes the request body (Content-Type application/octet-stream) and reports how it arrived in headers:
    /// X-Echo-Method, X-Echo-Chunked (true/false), X-Echo-Content-Length (or "none"), X-Echo-Host.
    /// </summary>
    public static MockHandler Echo() =>
        async context =>
        {
            var request = context.Request;
            context.Status(200)
                .Header("Content-Type", "application/octet-stream")
                .Header("X-Echo-Method", request.Method)
                .Header("X-Echo-Chunked", request.WasChunked ? "true" : "false")
                .Header("X-Echo-Content-Length", request.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")
                .Header("X-Echo-Host", request.Host);
            context.Http.Response.ContentLength = request.Body.Length;
            await context.Http.Response.Body.WriteAsync(request.Body, context.Aborted);
        };

    /// <summary>Never answers; completes <paramref name="aborted"/> when the client gives up (for timeout tests).</summary>
    public static MockHandler Hang(TaskCompletionSource? aborted = null) =>
        async context =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.Aborted);
            }
            catch (OperationCanceledException)
            {
                aborted?.TrySetResult();
            }
        };

    /// <summary>Answers with a status and text body, e.g. 426 with Upgrade: websocket to refuse a WebSocket upgrade.</summary>
    public static MockHandler Status(int status, string text = "", params (string Name, string Value)[] headers) =>
        Bytes(Encoding.UTF8.GetBytes(text), "text/plain", status, headers);

    /// <summary>Gzip-compresses bytes (what <see cref="Gzip"/> sends).</summary>
    public static byte[] GzipBytes(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
