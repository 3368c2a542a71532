// The webhook: each alert POSTed as Slack/Discord-compatible JSON to a local listener, from the background, and a
// webhook that fails is reported once, never thrown.
using System.Net;
using System.Text.Json;
using Tokentap.Engine.Budgets;
using static Tokentap.Engine.Tests.Budgets.BudgetHarness;
using static Tokentap.Engine.Tests.Budgets.BudgetPeriodTests;

namespace Tokentap.Engine.Tests.Budgets;

public sealed class BudgetWebhookTests
{
    private static readonly DateTime Now = Utc(2026, 12, 5, 12, 0);

    [Fact]
    public async Task Each_alert_is_posted_as_text_and_content()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        using var h = new BudgetHarness(Now);
        BudgetFile.Save(BudgetFile.PathIn(h.Paths), new BudgetBook { Budgets = [Budget("daily", 10, thresholds: [50])], Webhook = new Uri($"http://127.0.0.1:{port}/hook/") });
        h.Monitor.Start(Now);

        h.Sink.Publish(Event(Now, 6.00m));
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(context.Request.InputStream);
        var json = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
        context.Response.StatusCode = 200;
        context.Response.Close();

        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.StartsWith("application/json", context.Request.ContentType, StringComparison.Ordinal);
        const string expected = "Budget 'daily' is at 60 %: $6.00 of $10.00 (Day; resets 2026-12-06 00:00 +00:00; all usage).";
        Assert.Equal(expected, json.GetProperty("text").GetString());
        Assert.Equal(expected, json.GetProperty("content").GetString());
        Assert.Equal(2, json.EnumerateObject().Count());
    }

    [Fact]
    public async Task A_webhook_that_cannot_be_reached_is_reported_once_and_the_alert_still_reaches_the_shell()
    {
        using var h = new BudgetHarness(Now);
        BudgetFile.Save(BudgetFile.PathIn(h.Paths), new BudgetBook { Budgets = [Budget("daily", 10, thresholds: [50])], Webhook = new Uri($"http://127.0.0.1:{FreePort()}/gone") });
        h.Monitor.Start(Now);

        h.Sink.Publish(Event(Now, 6.00m));

        Assert.Equal(50, Assert.Single(h.Monitor.DrainAlerts()).Threshold);
        IReadOnlyList<string> notices = [];
        for (var i = 0; i < 100 && notices.Count == 0; i++)
        {
            await Task.Delay(50);
            notices = h.Monitor.DrainNotices();
        }

        var notice = Assert.Single(notices);
        Assert.StartsWith("Budgets: posting an alert to the webhook 127.0.0.1 failed: ", notice, StringComparison.Ordinal);
        Assert.Empty(h.Monitor.DrainNotices());
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
