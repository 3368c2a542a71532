// The HTTP handler under the OTLP exporters: every request also ends when the exporter is stopping.
namespace Tokentap.Engine.Export;

/// <summary>
/// Links each request's token with the worker's stop token, so a request to a collector that does not answer ends as
/// soon as Stop-Tokentap gives up waiting, not after the exporter's own timeout (the export then fails, and the
/// position stays where it was: the events are sent again next time).
/// </summary>
internal sealed class StopAwareHttpHandler : DelegatingHandler
{
    private readonly CancellationToken _stopping;

    public StopAwareHttpHandler(CancellationToken stopping)
        : base(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
    {
        _stopping = stopping;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        return base.Send(request, linked.Token);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        return await base.SendAsync(request, linked.Token).ConfigureAwait(false);
    }
}
