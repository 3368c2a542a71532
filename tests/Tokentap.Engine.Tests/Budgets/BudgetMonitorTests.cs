// The spend cache: scopes and periods summed from the store, unwritten events counted once, thresholds told once per
// period, calendar periods turning over, a bad budgets.json enforcing nothing.
using Tokentap.Engine.Budgets;
using static Tokentap.Engine.Tests.Budgets.BudgetHarness;
using static Tokentap.Engine.Tests.Budgets.BudgetPeriodTests;

namespace Tokentap.Engine.Tests.Budgets;

public sealed class BudgetMonitorTests
{
    private static readonly DateTime Now = Utc(2026, 12, 5, 3, 0);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_scope_and_period_sums_exactly_its_events(bool running)
    {
        using var h = new BudgetHarness(Now);
        h.Store.Write(
        [
            Event(Utc(2026, 12, 4, 23, 59), 5.00m),
            Event(Utc(2026, 12, 5, 0, 0), 1.25m),
            Event(Utc(2026, 12, 5, 1, 0), 2.00m, provider: "openai", model: "gpt-5", app: "codex"),
            Event(Utc(2026, 12, 5, 2, 0), 0.50m, model: "claude-haiku-4-5", session: "s1", project: "/p/a"),
        ]);
        h.SetBudgets(
            Budget("all", 100),
            Budget("claude", 100, scope: new UsageFilter { Model = ["claude-*"] }),
            Budget("codex", 100, scope: new UsageFilter { App = ["codex"] }),
            Budget("openai", 100, scope: new UsageFilter { Provider = ["open*"] }),
            Budget("project", 100, scope: new UsageFilter { Project = ["/p/*"] }),
            Budget("session", 100, scope: new UsageFilter { Session = ["s1"] }),
            Budget("two", 100, scope: new UsageFilter { App = ["codex"], Model = ["claude-haiku-*", "gpt-*"] }),
            Budget("week", 100, period: "Week"),
            Budget("roll", 100, period: "2h"),
            Budget("berlin", 100, zone: "Europe/Berlin"));
        if (running)
        {
            h.Monitor.Start(Now.AddHours(-1));
        }

        var spent = h.Monitor.Report().ToDictionary(b => b.Name, b => b.Spent);

        Assert.Equal(1.25m + 2.00m + 0.50m, spent["all"]);
        Assert.Equal(1.75m, spent["claude"]);
        Assert.Equal(2.00m, spent["codex"]);
        Assert.Equal(2.00m, spent["openai"]);
        Assert.Equal(0.50m, spent["project"]);
        Assert.Equal(0.50m, spent["session"]);
        Assert.Equal(2.00m, spent["two"]);
        Assert.Equal(8.75m, spent["week"]);
        Assert.Equal(2.50m, spent["roll"]);

        // Berlin's day began at 23:00 UTC, so the 23:59 event counts there.
        Assert.Equal(8.75m, spent["berlin"]);
    }

    [Fact]
    public void A_report_says_where_a_budget_stands()
    {
        using var h = new BudgetHarness(Now);
        h.Store.Write([Event(Utc(2026, 12, 5, 1, 0), 8.50m)]);
        h.SetBudgets(Budget("daily", 10, action: BudgetAction.Block, thresholds: [50, 80, 100], zone: "Europe/Berlin", scope: new UsageFilter { App = ["claude-code"] }));

        var daily = h.Get("daily");

        Assert.Equal(8.50m, daily.Spent);
        Assert.Equal(1.50m, daily.Remaining);
        Assert.Equal(85.0, daily.Percent);
        Assert.Equal(BudgetState.Warning, daily.State);
        Assert.Equal(BudgetAction.Block, daily.Action);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.FromHours(1)), daily.PeriodStart);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.FromHours(1)), daily.NextReset);
        Assert.Equal("app=claude-code", daily.Scope);
        Assert.Equal(["claude-code"], daily.App);
        Assert.Equal([50, 80, 100], daily.Thresholds);
        Assert.Equal("Europe/Berlin", daily.TimeZone);
    }

    [Fact]
    public void Events_not_yet_written_count_once_before_and_after_they_reach_the_store()
    {
        using var h = new BudgetHarness(Now);
        h.SetBudgets(Budget("daily", 10));
        h.Monitor.Start(Now);

        h.Sink.Publish(Event(Now, 1.00m));
        h.Sink.Publish(Event(Now, 0.25m));
        Assert.Equal(2, h.Held);
        Assert.Equal(1.25m, h.Monitor.Gauges().Single().Spent);

        h.Monitor.RefreshOnce();

        Assert.Equal(0, h.Held);
        Assert.Equal(1.25m, h.Monitor.Gauges().Single().Spent);
        Assert.Equal(1.25m, h.Get("daily").Spent);
    }

    [Fact]
    public void Each_threshold_is_told_once_per_period_and_a_jump_tells_only_the_highest()
    {
        using var h = new BudgetHarness(Now);
        h.SetBudgets(Budget("daily", 10, thresholds: [50, 80, 100]));
        h.Monitor.Start(Now);

        h.Sink.Publish(Event(Now, 4.00m));
        Assert.Empty(h.Monitor.DrainAlerts());
        h.Sink.Publish(Event(Now, 1.50m));
        var first = Assert.Single(h.Monitor.DrainAlerts());
        Assert.Equal((50, 5.50m, 55.0, false), (first.Threshold, first.Spent, first.Percent, first.Blocked));
        Assert.Equal("Budget 'daily' is at 55 %: $5.50 of $10.00 (Day; resets 2026-12-06 00:00 +00:00; all usage).", first.Message);

        h.Sink.Publish(Event(Now, 5.00m));
        var jump = Assert.Single(h.Monitor.DrainAlerts());
        Assert.Equal((100, 10.50m), (jump.Threshold, jump.Spent));

        h.Sink.Publish(Event(Now, 1.00m));
        h.Monitor.RefreshOnce();
        Assert.Empty(h.Monitor.DrainAlerts());
    }

    [Fact]
    public void A_spent_Block_budget_refuses_in_its_scope_only_and_frees_up_when_the_day_turns()
    {
        using var h = new BudgetHarness(Utc(2026, 12, 5, 23, 0));
        h.SetBudgets(
            Budget("warn-only", 0.10m),
            Budget("claude", 1, action: BudgetAction.Block, scope: new UsageFilter { App = ["claude-code"] }));
        h.Monitor.Start(h.Clock.UtcNow);
        var claude = new RequestLabels("anthropic", "claude-sonnet-4-5", "claude-code", null, null);
        var codex = new RequestLabels("openai", "gpt-5", "codex", null, null);

        h.Sink.Publish(Event(h.Clock.UtcNow, 0.99m));
        Assert.Null(h.Monitor.FindSpentBlockBudget(claude));
        h.Sink.Publish(Event(h.Clock.UtcNow, 0.01m));

        var hit = h.Monitor.FindSpentBlockBudget(claude);
        Assert.NotNull(hit);
        Assert.Equal(("claude", 1.00m, 1m), (hit.Name, hit.Spent, hit.Amount));
        Assert.Equal(
            "Tokentap budget 'claude' is spent: $1.00 of $1.00 (Day; resets 2026-12-06 00:00 +00:00). The request was not sent. To raise it: Set-TokentapBudget -Name claude -Amount 2",
            hit.Message);
        Assert.Null(h.Monitor.FindSpentBlockBudget(codex));
        Assert.NotNull(h.Monitor.FindSpentBlockBudget(claude));
        var alerts = h.Monitor.DrainAlerts();
        // warn-only went from 0 to 990 % at once: only its highest threshold is told.
        Assert.Equal(["warn-only:100:False", "claude:80:False", "claude:100:False", "claude:100:True"], alerts.Select(a => $"{a.Name}:{a.Threshold}:{a.Blocked}"));

        h.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Null(h.Monitor.FindSpentBlockBudget(claude));
        Assert.Equal(0m, h.Monitor.Gauges().Single(g => g.Name == "claude").Spent);
        h.Sink.Publish(Event(h.Clock.UtcNow, 0.85m));
        Assert.Equal(["warn-only:100", "claude:80"], h.Monitor.DrainAlerts().Select(a => $"{a.Name}:{a.Threshold}"));
    }

    [Fact]
    public void A_rolling_window_lets_old_spend_age_out_at_the_next_refresh()
    {
        using var h = new BudgetHarness(Now);
        h.SetBudgets(Budget("burst", 1, period: "1h", action: BudgetAction.Block));
        h.Monitor.Start(Now);
        var labels = new RequestLabels("anthropic", "claude-sonnet-4-5", "claude-code", null, null);
        h.Sink.Publish(Event(Now, 1.00m));
        Assert.NotNull(h.Monitor.FindSpentBlockBudget(labels));

        h.Clock.Advance(TimeSpan.FromMinutes(59));
        h.Monitor.RefreshOnce();
        Assert.NotNull(h.Monitor.FindSpentBlockBudget(labels));

        // The window is [now - 1h, now): the event leaves it one tick after it is an hour old.
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Monitor.RefreshOnce();
        Assert.NotNull(h.Monitor.FindSpentBlockBudget(labels));
        h.Clock.Advance(TimeSpan.FromTicks(1));
        h.Monitor.RefreshOnce();
        Assert.Null(h.Monitor.FindSpentBlockBudget(labels));
    }

    [Fact]
    public void A_session_budget_counts_from_the_proxy_start()
    {
        using var h = new BudgetHarness(Now);
        h.Store.Write([Event(Now.AddMinutes(-30), 3.00m), Event(Now.AddMinutes(-5), 0.40m)]);
        h.SetBudgets(Budget("session", 1, period: "Session"));
        Assert.Equal(0m, h.Get("session").Spent);
        Assert.Null(h.Get("session").PeriodStart);

        h.Monitor.Start(Now.AddMinutes(-10));

        var session = h.Get("session");
        Assert.Equal(0.40m, session.Spent);
        Assert.Null(session.NextReset);
        Assert.Equal(new DateTimeOffset(Now.AddMinutes(-10)), session.PeriodStart);
    }

    [Fact]
    public void A_bad_budgets_file_enforces_nothing_says_where_it_is_wrong_and_recording_goes_on()
    {
        using var h = new BudgetHarness(Now);
        h.SetBudgets(Budget("daily", 1, action: BudgetAction.Block));
        File.WriteAllText(BudgetFile.PathIn(h.Paths), "{\n  \"budgets\": [\n    { \"name\": \"daily\", \"amount\": 1, \"action\": \"Blok\" }\n  ]\n}\n");

        h.Monitor.Start(Now);
        h.Sink.Publish(Event(Now, 5.00m));

        Assert.Null(h.Monitor.FindSpentBlockBudget(new RequestLabels("anthropic", null, null, null, null)));
        Assert.Equal(1, h.Held);
        var notice = Assert.Single(h.Monitor.DrainNotices());
        Assert.Equal(
            $"Budgets: {BudgetFile.PathIn(h.Paths)} line 3, position 47: \"action\" must be \"Warn\" or \"Block\", not \"Blok\". No budget is enforced until the file is fixed; usage is still recorded.",
            notice);
        Assert.Throws<BudgetFileException>(() => h.Monitor.Report());
        h.Monitor.RefreshOnce();
        Assert.Empty(h.Monitor.DrainNotices());
    }
}
