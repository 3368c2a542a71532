// One process's budget monitor on a temporary data folder, with a hand-driven clock and a recorder stand-in whose
// events reach the store only when the monitor (or the test) flushes.
using Tokentap.Engine.Budgets;
using Tokentap.Engine.Tests.Live;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Budgets;

internal sealed class BudgetHarness : IDisposable
{
    private readonly List<UsageEvent> _held = [];
    private readonly bool _ownsHome;

    public BudgetHarness(DateTime utcNow, string? home = null, ManualTimeProvider? clock = null)
    {
        _ownsHome = home is null;
        Paths = new TokentapPaths(home ?? Directory.CreateTempSubdirectory("tt-budgets-").FullName);
        Clock = clock ?? new ManualTimeProvider(utcNow, TimeZoneInfo.Utc);
        Store = new UsageStore(Paths.DatabasePath);
        Monitor = new BudgetMonitor(Paths, () => Store, _ => FlushAsync(), new BudgetOptions { Time = Clock, RefreshInterval = TimeSpan.FromHours(1) });
        Sink = Monitor.Wrap(new HoldingSink(_held));
    }

    public TokentapPaths Paths { get; }

    public ManualTimeProvider Clock { get; }

    public UsageStore Store { get; }

    public BudgetMonitor Monitor { get; }

    /// <summary>What the proxy publishes to: the monitor sees each event, the store only after a flush.</summary>
    public IUsageSink Sink { get; }

    public int Held
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public void SetBudgets(params BudgetDefinition[] budgets) => BudgetFile.Save(BudgetFile.PathIn(Paths), new BudgetBook { Budgets = budgets });

    public static BudgetDefinition Budget(string name, decimal amount, string period = "Day", BudgetAction action = BudgetAction.Warn, int[]? thresholds = null, UsageFilter? scope = null, string? zone = "UTC") => new()
    {
        Name = name,
        Amount = amount,
        Period = BudgetPeriodTests.Parse(period),
        Action = action,
        Thresholds = thresholds ?? [80, 100],
        TimeZoneId = zone,
        Scope = scope ?? UsageFilter.All,
    };

    public static UsageEvent Event(DateTime utc, decimal cost, string provider = "anthropic", string model = "claude-sonnet-4-5", string app = "claude-code", string? session = null, string? project = null) => new()
    {
        Timestamp = utc,
        Provider = provider,
        Host = "api.example",
        Endpoint = "messages",
        Model = model,
        App = app,
        Session = session,
        Project = project,
        InputTokens = 10,
        OutputTokens = 10,
        Cost = cost,
        StatusCode = 200,
    };

    public TokentapBudget Get(string name) => Monitor.Report().Single(b => b.Name == name);

    public Task FlushAsync()
    {
        List<UsageEvent> batch;
        lock (_held)
        {
            batch = _held.ToList();
            _held.Clear();
        }

        if (batch.Count > 0)
        {
            Store.Write(batch);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Monitor.Dispose();
        Store.Dispose();
        if (_ownsHome)
        {
            Directory.Delete(Paths.Home, recursive: true);
        }
    }

    private sealed class HoldingSink(List<UsageEvent> held) : IUsageSink
    {
        public void Publish(UsageEvent usageEvent)
        {
            lock (held)
            {
                held.Add(usageEvent);
            }
        }
    }
}
