// Two shells (two monitors on one store) racing for one Block budget: how far past the limit they get, exactly.
using Tokentap.Engine.Budgets;
using static Tokentap.Engine.Tests.Budgets.BudgetHarness;
using static Tokentap.Engine.Tests.Budgets.BudgetPeriodTests;

namespace Tokentap.Engine.Tests.Budgets;

/// <summary>
/// Each shell admits a request while its own view (the store at its last refresh plus its own spend since) is under
/// the limit, so the overshoot is at most: the spend the other shells made since this shell's last refresh, plus the
/// request that crosses the limit in each shell (docs/budgets.md). Requests here cost $0.30 and run one at a time,
/// alternating between the shells A and B, against a $1.00 budget.
/// </summary>
public sealed class BudgetRaceTests
{
    private const decimal Limit = 1.00m;
    private const decimal Request = 0.30m;
    private static readonly DateTime Now = Utc(2026, 12, 5, 12, 0);

    [Fact]
    public void Refreshing_after_every_round_overshoots_by_less_than_one_request_per_shell()
    {
        var (admitted, blockedAt) = Race(refreshEveryRound: true);

        // A1 B1 | refresh: both see 0.60 | A2 (0.90) B2 (0.90) | refresh: both see 1.20 and refuse.
        Assert.Equal(1.20m, admitted);
        Assert.Equal(2, blockedAt);
        Assert.True(admitted - Limit <= Request + Request);
    }

    [Fact]
    public void Without_a_refresh_each_shell_spends_up_to_the_limit_on_its_own()
    {
        var (admitted, blockedAt) = Race(refreshEveryRound: false);

        // Each shell sees only its own spend: 0.30, 0.60, 0.90, 1.20 each before refusing: 2.40 in all. The overshoot
        // is the other shell's unseen 1.20 plus this shell's own crossing request (0.20 past the limit).
        Assert.Equal(2.40m, admitted);
        Assert.Equal(4, blockedAt);
        Assert.Equal(1.20m + 0.20m, admitted - Limit);
    }

    private static (decimal Admitted, int Rounds) Race(bool refreshEveryRound)
    {
        using var a = new BudgetHarness(Now);
        using var b = new BudgetHarness(Now, a.Paths.Home, a.Clock);
        a.SetBudgets(Budget("shared", Limit, action: BudgetAction.Block));
        a.Monitor.Start(Now);
        b.Monitor.Start(Now);
        var labels = new RequestLabels("anthropic", "claude-sonnet-4-5", "claude-code", null, null);
        var admitted = 0m;
        var rounds = 0;
        while (rounds < 20)
        {
            var any = false;
            foreach (var shell in new[] { a, b })
            {
                if (shell.Monitor.FindSpentBlockBudget(labels) is null)
                {
                    shell.Sink.Publish(Event(Now, Request));
                    admitted += Request;
                    any = true;
                }
            }

            if (!any)
            {
                break;
            }

            rounds++;
            if (refreshEveryRound)
            {
                // Both recorders have written their events (they do within 200 ms) when the shells next refresh.
                a.FlushAsync();
                b.FlushAsync();
                a.Monitor.RefreshOnce();
                b.Monitor.RefreshOnce();
            }
        }

        a.Monitor.RefreshOnce();
        b.Monitor.RefreshOnce();
        Assert.NotNull(a.Monitor.FindSpentBlockBudget(labels));
        Assert.NotNull(b.Monitor.FindSpentBlockBudget(labels));
        Assert.Equal(admitted, a.Get("shared").Spent);
        Assert.Equal(admitted, b.Get("shared").Spent);
        return (admitted, rounds);
    }
}
