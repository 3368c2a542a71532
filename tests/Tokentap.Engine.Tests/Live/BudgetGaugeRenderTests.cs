// The live view's budget gauges: built from the monitor's figures and drawn one line each, the fullest first.
using Spectre.Console.Testing;
using Tokentap.Engine.Live;
using Tokentap.Engine.Pricing;
using Tokentap.Engine.Tests.Usage;

namespace Tokentap.Engine.Tests.Live;

public sealed class BudgetGaugeRenderTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly ManualTimeProvider _clock = new(LiveEvents.Now, LiveEvents.Zone);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_budget_gets_a_gauge_line_with_its_spend_reset_and_blocking_state()
    {
        _temp.Store.Write(LiveEvents.All);
        IReadOnlyList<TokenUsageBudgetGauge> gauges =
        [
            new() { Name = "burst", Spent = 0.5m, Amount = 2m, Percent = 25, State = BudgetState.Ok, Action = BudgetAction.Warn, Period = "5h" },
            new() { Name = "daily", Spent = 10.5m, Amount = 10m, Percent = 105, State = BudgetState.Exceeded, Action = BudgetAction.Block, Period = "Day", NextReset = new DateTimeOffset(2026, 3, 10, 22, 0, 0, TimeSpan.Zero) },
        ];
        var builder = new SnapshotBuilder(_temp.Store, PriceTable.Embedded(), new TokentapPaths(_temp.Folder), new SnapshotOptions { Window = TokenUsageWindow.LastHour, Budgets = () => gauges }, _clock);
        builder.Refresh();
        Assert.Same(gauges, builder.Snapshot.Budgets);

        var console = new TestConsole().Width(100).Height(30);
        console.Write(SnapshotRenderer.Render(builder.Snapshot, new LiveScreenState { NowUtc = _clock.UtcNow, Zone = LiveEvents.Zone }, 100, 30, unicode: false));
        var lines = console.Output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith("Budget ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Budget  ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" 105% $10.50/$10.00  daily (Day, resets Wed 00:00)  BLOCKING", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" 25% $0.500/$2.00  burst (5h)", lines[1], StringComparison.Ordinal);
    }
}
