// The dashboard's live request feed: server-sent events from the store's tail, so requests of every shell appear.
using System.Text;
using System.Text.Json;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// One /api/live stream. It first sends the newest requests of the range (event "recent"), then every event stored
/// after that moment (event "request"), read with <see cref="UsageStore.ReadAfter"/> (the tail the live view reads):
/// positions are given at commit across processes, so a request proxied in any shell for this data folder arrives
/// within <see cref="PollInterval"/> of its commit. A comment line keeps idle connections open.
/// </summary>
internal sealed class DashboardFeed
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    public const int RecentCount = 50;
    private const int PageSize = 200;

    private readonly UsageStore _store;
    private readonly DashboardContent _content;

    public DashboardFeed(UsageStore store, DashboardContent content)
    {
        _store = store;
        _content = content;
    }

    public async Task RunAsync(Stream stream, DashboardQuery query, CancellationToken cancellationToken)
    {
        var head = DashboardResponse.Head(200, "text/event-stream; charset=utf-8", null, null);
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        var position = _store.GetLastPosition();
        var recent = DashboardApi.Write(json =>
        {
            var withContent = _content.Ids();
            json.WriteStartArray("requests");
            foreach (var usageEvent in _store.Query(query.Filter, UsageOrder.NewestFirst, RecentCount))
            {
                DashboardApi.WriteEvent(json, usageEvent, withContent.Contains(usageEvent.Id));
            }

            json.WriteEndArray();
        });
        await SendAsync(stream, "retry: 1000\n\n", cancellationToken).ConfigureAwait(false);
        await SendAsync(stream, "event: recent\ndata: " + Encoding.UTF8.GetString(recent) + "\n\n", cancellationToken).ConfigureAwait(false);
        var quietSince = DateTime.UtcNow;
        while (true)
        {
            var page = _store.ReadAfter(position, query.Labels, PageSize);
            position = page.Position;
            foreach (var usageEvent in page.Events)
            {
                await SendAsync(stream, "event: request\ndata: " + Json(usageEvent, _content.Has(usageEvent.Id)) + "\n\n", cancellationToken).ConfigureAwait(false);
                quietSince = DateTime.UtcNow;
            }

            if (DateTime.UtcNow - quietSince >= Heartbeat)
            {
                await SendAsync(stream, ": still here\n\n", cancellationToken).ConfigureAwait(false);
                quietSince = DateTime.UtcNow;
            }

            if (!page.HasMore)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Json(UsageEvent usageEvent, bool hasContent)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            DashboardApi.WriteEvent(json, usageEvent, hasContent);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task SendAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
