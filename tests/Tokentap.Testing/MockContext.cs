// What a mock route handler gets: the recorded request and a response it can write, flush and stream.
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tokentap.Testing;

/// <summary>The request being answered and helpers to answer it.</summary>
public sealed class MockContext
{
    internal MockContext(HttpContext http, MockRequest request)
    {
        Http = http;
        Request = request;
    }

    /// <summary>The ASP.NET Core context, for anything the helpers do not cover.</summary>
    public HttpContext Http { get; }

    public MockRequest Request { get; }

    /// <summary>Cancelled when the client (the proxy) goes away.</summary>
    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Sets the status code (before anything is written).</summary>
    public MockContext Status(int statusCode)
    {
        Http.Response.StatusCode = statusCode;
        return this;
    }

    /// <summary>Adds a response header (before anything is written).</summary>
    public MockContext Header(string name, string value)
    {
        Http.Response.Headers.Append(name, value);
        return this;
    }

    /// <summary>Sends the status line and headers now, before any body byte.</summary>
    public async Task StartAsync()
    {
        await Http.Response.StartAsync(Aborted);
        await Http.Response.Body.FlushAsync(Aborted);
    }

    /// <summary>Writes bytes and flushes them, so the client can see them at once.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        await Http.Response.Body.WriteAsync(data, Aborted);
        await Http.Response.Body.FlushAsync(Aborted);
    }

    /// <summary>Writes UTF-8 text and flushes it.</summary>
    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Aborts the connection (the client sees the response cut).</summary>
    public void AbortConnection() => Http.Abort();
}
