// A loopback OTLP/HTTP endpoint for the export benchmark: accepts every POST with 200 and counts them.
using System.Net;
using Tokentap.Testing;

namespace Tokentap.Bench;

/// <summary>What a collector on the same machine costs at least: read the body, answer 200, nothing more.</summary>
internal sealed class OtlpSink : LoopbackHttpReceiver
{
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        await context.Request.InputStream.CopyToAsync(Stream.Null);
        Interlocked.Increment(ref _requests);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }
}
