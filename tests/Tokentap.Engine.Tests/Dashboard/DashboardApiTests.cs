// The dashboard API's figures over a seeded store: exact numbers, equal to the summary Get-TokenUsageSummary computes.
using System.Text.Json;
using Tokentap.Engine.Facade;
using Tokentap.Engine.Tests.Live;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Dashboard;

public sealed class DashboardApiTests : IDisposable
{
    private readonly DashboardFixture _dashboard = new();

    public void Dispose() => _dashboard.Dispose();

    private async Task<JsonElement> Json(string target)
    {
        var response = await _dashboard.GetAsync(target);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    [Fact]
    public async Task Overview_windows_hold_the_exact_totals_of_today_7_and_30_days()
    {
        var overview = await Json("/api/overview?tz=UTC");
        var windows = overview.GetProperty("windows").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);

        // Today (since 00:00 UTC): Old and A1..A6. A5 has no price, A4 failed.
        var today = windows["today"];
        Assert.Equal("2026-03-10T00:00:00Z", today.GetProperty("since").GetString());
        Assert.Equal(7, today.GetProperty("requests").GetInt64());
        Assert.Equal(1, today.GetProperty("errors").GetInt64());
        Assert.Equal(27767, today.GetProperty("totalTokens").GetInt64());
        Assert.Equal(1.1060m, today.GetProperty("cost").GetDecimal());
        Assert.Equal(1, today.GetProperty("unpricedRequests").GetInt64());
        Assert.Equal(22000.0 / 26061, today.GetProperty("cacheHitRate").GetDouble());
        Assert.Equal(1.0 / 7, today.GetProperty("errorRate").GetDouble());

        // 7 and 30 days add Older, two days before.
        Assert.Equal("2026-03-04T00:00:00Z", windows["7d"].GetProperty("since").GetString());
        Assert.Equal(8, windows["7d"].GetProperty("requests").GetInt64());
        Assert.Equal(3.1060m, windows["7d"].GetProperty("cost").GetDecimal());
        Assert.Equal(27769, windows["30d"].GetProperty("totalTokens").GetInt64());
        Assert.Equal("2026-02-09T00:00:00Z", windows["30d"].GetProperty("since").GetString());
    }

    [Theory]
    [InlineData("", "today")]
    [InlineData("", "7d")]
    [InlineData("&model=claude-*", "today")]
    [InlineData("&app=codex", "30d")]
    [InlineData("&model=gpt-5&app=codex", "7d")]
    public async Task Overview_equals_the_summary_the_cmdlet_computes_for_the_same_filter(string labels, string window)
    {
        var overview = await Json("/api/overview?tz=UTC" + labels);
        var shown = overview.GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("name").GetString() == window);
        var query = Tokentap.Engine.Dashboard.DashboardQuery.Parse(System.Web.HttpUtility.ParseQueryString(labels).AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => System.Web.HttpUtility.ParseQueryString(labels)[k]!), LiveEvents.Now);
        using var engine = new TokentapEngine(_dashboard.Paths);
        var summary = engine.GetSummary(query.Labels with { Since = DateTime.Parse(shown.GetProperty("since").GetString()!).ToUniversalTime() }, [], "UTC").Single();

        Assert.Equal(summary.Requests, shown.GetProperty("requests").GetInt64());
        Assert.Equal(summary.Errors, shown.GetProperty("errors").GetInt64());
        Assert.Equal(summary.TotalTokens, shown.GetProperty("totalTokens").GetInt64());
        Assert.Equal(summary.CacheReadTokens, shown.GetProperty("cacheReadTokens").GetInt64());
        Assert.Equal(summary.Cost, shown.GetProperty("cost").ValueKind == JsonValueKind.Null ? null : shown.GetProperty("cost").GetDecimal());
        Assert.Equal(summary.UnpricedRequests, shown.GetProperty("unpricedRequests").GetInt64());
    }

    [Fact]
    public async Task Label_filters_change_the_figures()
    {
        var overview = await Json("/api/overview?tz=UTC&model=claude-*&app=claude-code");
        var today = overview.GetProperty("windows")[0];

        // A1, A2, A4, A6 and Old: Sonnet and Haiku through Claude Code.
        Assert.Equal(5, today.GetProperty("requests").GetInt64());
        Assert.Equal(1.0860m, today.GetProperty("cost").GetDecimal());
        Assert.Equal(0, today.GetProperty("unpricedRequests").GetInt64());
    }

    [Fact]
    public async Task Series_per_day_by_model_lists_every_day_and_the_exact_costs()
    {
        var series = await Json("/api/series?tz=UTC&range=7d&step=day&by=model");

        Assert.Equal(["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"], series.GetProperty("buckets").EnumerateArray().Select(b => b.GetString()!));
        var byKey = series.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        // Most expensive first; the two without cost by tokens (mystery-model 15, the failed Haiku call 0).
        Assert.Equal(["gpt-5", "claude-sonnet-4-5", "mystery-model", "claude-haiku-4-5"], byKey.Keys);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1.0860m], byKey["claude-sonnet-4-5"].GetProperty("cost").EnumerateArray().Select(v => v.GetDecimal()));
        Assert.Equal([0, 0, 0, 0, 2.0000m, 0, 0.0200m], byKey["gpt-5"].GetProperty("cost").EnumerateArray().Select(v => v.GetDecimal()));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1L], byKey["mystery-model"].GetProperty("requests").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(3.1060m, series.GetProperty("total").GetProperty("cost").GetDecimal());
        Assert.Equal(8, series.GetProperty("total").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Series_per_hour_in_another_zone_puts_requests_in_that_zones_hours()
    {
        var series = await Json("/api/series?tz=Asia/Kolkata&range=24h&step=hour&by=app");
        var buckets = series.GetProperty("buckets").EnumerateArray().Select(b => b.GetString()!).ToList();

        // 24 hours back from 18:04:30 +05:30: from 18:00 yesterday to 18:00 today, 25 hours.
        Assert.Equal(25, buckets.Count);
        Assert.Equal("2026-03-09T18:00:00+05:30", buckets[0]);
        Assert.Equal("2026-03-10T18:00:00+05:30", buckets[^1]);
        var claude = series.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "claude-code");
        var requests = claude.GetProperty("requests").EnumerateArray().Select(v => v.GetInt64()).ToList();
        // Old at 09:34:30 UTC is 15:04:30 IST; A1, A2, A4 fall between 17:14:30 and 17:59:30 IST; A6 at 18:02:30 IST.
        Assert.Equal(1, requests[buckets.IndexOf("2026-03-10T15:00:00+05:30")]);
        Assert.Equal(3, requests[buckets.IndexOf("2026-03-10T17:00:00+05:30")]);
        Assert.Equal(1, requests[buckets.IndexOf("2026-03-10T18:00:00+05:30")]);
        Assert.Equal(5, requests.Sum());
    }

    [Fact]
    public async Task Sessions_and_their_requests_drill_down()
    {
        var sessions = await Json("/api/sessions?tz=UTC&range=7d");
        var rows = sessions.GetProperty("sessions").EnumerateArray().ToList();

        // Most expensive first: Older ($2), the Claude Code calls without a Tokentap session ($1.086), A3, A5 (unpriced).
        Assert.Equal(["run-0", null, "run-1", "s-x"], rows.Select(r => r.GetProperty("session").GetString()));
        Assert.Equal(1.0860m, rows[1].GetProperty("cost").GetDecimal());
        Assert.Equal(5, rows[1].GetProperty("requests").GetInt64());

        var requests = await Json("/api/requests?tz=UTC&range=7d&session=run-1");
        var only = Assert.Single(requests.GetProperty("requests").EnumerateArray());
        Assert.Equal(LiveEvents.A3.Id.ToString(), only.GetProperty("id").GetString());
        Assert.Equal("2026-03-10T12:24:30Z", only.GetProperty("time").GetString());
        Assert.Equal(3700, only.GetProperty("totalTokens").GetInt64());
        Assert.Equal(0.0200m, only.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task Requests_carry_labels_numbers_and_whether_content_was_kept_never_content()
    {
        var requests = await Json("/api/requests?tz=UTC&range=all&limit=1");
        var names = Assert.Single(requests.GetProperty("requests").EnumerateArray()).EnumerateObject().Select(p => p.Name);

        Assert.Equal(
            ["id", "time", "provider", "model", "app", "project", "session", "clientSession", "endpoint", "status", "success", "error",
             "inputTokens", "cacheReadTokens", "cacheWriteTokens", "outputTokens", "totalTokens", "cost", "durationMs", "estimated", "hasContent"],
            names);
    }

    [Fact]
    public async Task Models_say_which_are_priced_with_the_rates_that_apply()
    {
        var models = (await Json("/api/models?tz=UTC&range=7d")).GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("model").GetString()!);

        Assert.Equal(4, models.Count);
        Assert.True(models["claude-sonnet-4-5"].GetProperty("priced").GetBoolean());
        Assert.Equal(3m, models["claude-sonnet-4-5"].GetProperty("inputPerMillion").GetDecimal());
        Assert.Equal(15m, models["claude-sonnet-4-5"].GetProperty("outputPerMillion").GetDecimal());
        Assert.False(models["mystery-model"].GetProperty("priced").GetBoolean());
        Assert.Equal(JsonValueKind.Null, models["mystery-model"].GetProperty("inputPerMillion").ValueKind);
        Assert.Equal(JsonValueKind.Null, models["mystery-model"].GetProperty("cost").ValueKind);
        Assert.Equal(1, models["mystery-model"].GetProperty("unpricedRequests").GetInt64());
    }

    [Fact]
    public async Task The_live_feed_sends_the_recent_requests_then_a_newly_stored_one()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", _dashboard.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /api/live?range=all HTTP/1.1\r\nHost: {_dashboard.Host}\r\n{_dashboard.Cookie}\r\n\r\n"));
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        Assert.Equal("HTTP/1.1 200 OK", await reader.ReadLineAsync(timeout.Token));
        var recent = await NextEvent(reader, "recent", timeout.Token);
        Assert.Equal(8, JsonDocument.Parse(recent).RootElement.GetProperty("requests").GetArrayLength());

        var fresh = LiveEvents.Make(99, 1, "openai", "gpt-5", "codex", null, "fresh", 1, 2, 3, 4, 0.5m);
        _dashboard.Store.Write([fresh]);
        var pushed = JsonDocument.Parse(await NextEvent(reader, "request", timeout.Token)).RootElement;

        Assert.Equal(fresh.Id.ToString(), pushed.GetProperty("id").GetString());
        Assert.Equal(10, pushed.GetProperty("totalTokens").GetInt64());
        Assert.Equal(1, _dashboard.Server.OpenConnections);
    }

    [Fact]
    public async Task Stopping_ends_open_live_feeds_and_closes_the_port()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", _dashboard.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /api/live HTTP/1.1\r\nHost: {_dashboard.Host}\r\n{_dashboard.Cookie}\r\n\r\n"));
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await NextEvent(reader, "recent", timeout.Token);

        _dashboard.Server.Dispose();

        Assert.Null(await ReadToEnd(reader, timeout.Token));
        Assert.Equal(0, _dashboard.Server.OpenConnections);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawHttp.SendAsync(_dashboard.Port, "GET", "/", _dashboard.Host));
    }

    private static async Task<string?> ReadToEnd(StreamReader reader, CancellationToken cancellationToken)
    {
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
        }

        return line;
    }

    private static async Task<string> NextEvent(StreamReader reader, string name, CancellationToken cancellationToken)
    {
        string? eventName = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == name)
            {
                return line["data: ".Length..];
            }
        }

        throw new EndOfStreamException($"The feed ended before a {name} event.");
    }
}
