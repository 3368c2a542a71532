// Get-TokenUsageSummary's reports in the hosted SDK: weeks by culture or -WeekStart, months, client sessions, billing
// blocks, -CacheSavings and the efficiency figures; and demo mode: Start-Tokentap -Demo and Watch-TokenUsage -Demo show
// synthetic data from <home>/demo, say so, and leave the real store alone.
namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ReportCommandTests(ModuleFixture module)
{
    // 2026-01-10 is a Saturday, 2026-01-11 a Sunday.
    private static readonly DateTime Saturday = new(2026, 1, 10, 9, 0, 0, DateTimeKind.Utc);
    private readonly string _project = "/report-tests/" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Weeks_start_per_culture_unless_WeekStart_says_and_months_are_calendar_months()
    {
        Seed();
        const string Weeks = "Get-TokenUsageSummary -By Week -TimeZone UTC -Project $args[0] | ForEach-Object { '{0:yyyy-MM-dd}={1}' -f $_.Week, $_.Requests }";

        var us = module.Run("[System.Threading.Thread]::CurrentThread.CurrentCulture = 'en-US'; " + Weeks, _project).ThrowIfFailed().Objects<string>();
        var de = module.Run("[System.Threading.Thread]::CurrentThread.CurrentCulture = 'de-DE'; " + Weeks, _project).ThrowIfFailed().Objects<string>();
        var iso = module.Run("[System.Threading.Thread]::CurrentThread.CurrentCulture = 'en-US'; " + Weeks.Replace("-By Week", "-By Week -WeekStart Monday", StringComparison.Ordinal), _project).ThrowIfFailed().Objects<string>();
        var months = module.Run("Get-TokenUsageSummary -By Month -TimeZone UTC -Project $args[0] | ForEach-Object { '{0:yyyy-MM}={1}' -f $_.Month, $_.Requests }", _project).ThrowIfFailed().Objects<string>();

        Assert.Equal(["2026-01-04=2", "2026-01-11=2"], us); // Sunday weeks: Saturday's two, then Sunday's and Monday's
        Assert.Equal(["2026-01-05=3", "2026-01-12=1"], de); // Monday weeks
        Assert.Equal(de, iso);
        Assert.Equal(["2026-01=4"], months);
    }

    [Fact]
    public void Blocks_client_sessions_cache_savings_and_efficiency()
    {
        Seed();
        var blocks = module.Run("Get-TokenUsageSummary -By Block -Project $args[0]", _project).ThrowIfFailed().Objects<UsageSummaryRow>();
        Assert.Equal(
            [(Saturday, Saturday.AddHours(5), 2L, (bool?)false), (Saturday.AddHours(15), Saturday.AddHours(20), 1L, false), (Saturday.AddDays(2), Saturday.AddDays(2).AddHours(5), 1L, false)],
            blocks.Select(b => (b.BlockStart!.Value, b.BlockEnd!.Value, b.Requests, b.IsActive)));
        Assert.Equal(0.40m / 30 * 60, blocks[0].CostPerHour); // $0.40 over the 30 minutes from 09:10 to 09:40

        var sessions = module.Run("Get-TokenUsageSummary -By ClientSession -CacheSavings -Project $args[0]", _project).ThrowIfFailed().Objects<UsageSummaryRow>();
        Assert.Equal([(null, 1L), ("cc-1", 2L), ("cc-2", 1L)], sessions.Select(s => (s.ClientSession, s.Requests)));
        var cc1 = sessions[1];
        Assert.Equal((0.20m, 4000 / 13000.0, 1.6), (cc1.CostPerRequest!.Value, cc1.OutputInputRatio!.Value, cc1.CacheLeverage!.Value));
        // claude-sonnet-4-5: 8,000 cache reads x ($3 - $0.30) = $0.0216; 2,000 5-minute writes x ($3.75 - $3) = $0.0015.
        Assert.Equal((0.0216m, 0.0015m, 0.0201m), (cc1.CacheReadSavings!.Value, cc1.CacheWriteExtraCost!.Value, cc1.NetCacheSavings!.Value));
        Assert.Null(module.Run("Get-TokenUsageSummary -Project $args[0]", _project).Single<UsageSummaryRow>().CacheReadSavings);

        var table = module.Run("Get-TokenUsageSummary -By Week, ClientSession -WeekStart Monday -TimeZone UTC -Project $args[0] | Out-String -Width 80", _project).Single<string>();
        Assert.Contains("wk 2026-01-05 cc-1", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_Tokentap_Demo_shows_marked_synthetic_data_and_Stop_returns_to_the_real_store()
    {
        Seed();
        var proxyVariable = Environment.GetEnvironmentVariable("HTTPS_PROXY");
        try
        {
            var status = module.Run("Start-Tokentap -Demo -DemoPreset Light -Seed 5 -PassThru").ThrowIfFailed().Single<TokentapStatus>();
            Assert.Equal((true, (TokentapDemoPreset?)TokentapDemoPreset.Light, (int?)5, false), (status.Demo, status.DemoPreset, status.DemoSeed, status.Running));
            Assert.Equal(Path.Combine(module.Home, "demo", "usage.db"), status.DatabasePath);
            Assert.Equal(proxyVariable, Environment.GetEnvironmentVariable("HTTPS_PROXY"));

            var sources = module.Run("Get-TokenUsage | Group-Object { $_.Source } | ForEach-Object Name").ThrowIfFailed().Objects<string>();
            Assert.Equal(["Demo"], sources);
            Assert.Equal(0, module.Run("@(Get-TokenUsage -Project $args[0]).Count", _project).Single<int>());
            var list = module.Run("Get-Tokentap | Out-String -Width 120").Single<string>();
            Assert.Contains("synthetic data: Light, seed 5", list, StringComparison.Ordinal);

            var proxy = module.Run("Start-Tokentap -Port 0");
            Assert.Equal(["DemoModeRunning,Tokentap.PowerShell.Commands.StartTokentapCommand"], proxy.Errors.Select(e => e.FullyQualifiedErrorId));
            Assert.True(module.Run("Get-Tokentap").Single<TokentapStatus>() is { Demo: true, Running: false });
        }
        finally
        {
            module.Run("Stop-Tokentap").ThrowIfFailed();
        }

        var real = module.Run("Get-Tokentap").Single<TokentapStatus>();
        Assert.Equal((false, Path.Combine(module.Home, "usage.db")), (real.Demo, real.DatabasePath));
        Assert.Equal(4, module.Run("@(Get-TokenUsage -Project $args[0]).Count", _project).Single<int>());
        Assert.Equal(0, module.Run("@(Get-TokenUsage -Source Demo).Count").Single<int>());
    }

    [Fact]
    public void Watch_TokenUsage_Demo_watches_a_demo_of_its_own_and_leaves_the_real_store_alone()
    {
        var before = module.Run("@(Get-TokenUsage).Count").Single<int>();
        var snapshot = module.Run("Watch-TokenUsage -Demo -Once -Window 30d").ThrowIfFailed().Single<TokenUsageSnapshot>();

        Assert.True(snapshot.Requests > 100, $"{snapshot.Requests} requests");
        Assert.All(snapshot.RecentRequests, e => Assert.Equal(UsageSource.Demo, e.Source));
        Assert.True(snapshot.Demo);
        Assert.NotNull(snapshot.CacheReadSavings);
        Assert.False(module.Run("Get-Tokentap").Single<TokentapStatus>().Demo);
        Assert.Equal(before, module.Run("@(Get-TokenUsage).Count").Single<int>());
    }

    /// <summary>Four Claude Code calls: Saturday 09:10 and 09:40, Sunday 00:30, Monday 09:00 (UTC).</summary>
    private void Seed() => TestPrograms.Seed(Path.Combine(module.Home, "usage.db"),
    [
        Event("r1", Saturday.AddMinutes(10), "cc-1", input: 1000, cacheRead: 8000, cacheWrite: 2000, output: 1000, cost: 0.30m),
        Event("r2", Saturday.AddMinutes(40), "cc-1", input: 2000, cacheRead: 0, cacheWrite: 0, output: 3000, cost: 0.10m),
        Event("r3", Saturday.AddHours(15).AddMinutes(30), null, input: 10, cacheRead: 0, cacheWrite: 0, output: 10, cost: 0.01m),
        Event("r4", Saturday.AddDays(2), "cc-2", input: 10, cacheRead: 0, cacheWrite: 0, output: 10, cost: 0.01m),
    ]);

    private UsageEvent Event(string id, DateTime at, string? clientSession, long input, long cacheRead, long cacheWrite, long output, decimal cost) => new()
    {
        Timestamp = at,
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = "claude-sonnet-4-5",
        InputTokens = input,
        CacheReadTokens = cacheRead,
        CacheWriteTokens = cacheWrite,
        OutputTokens = output,
        Cost = cost,
        StatusCode = 200,
        DurationMs = 100,
        App = "claude-code",
        ClientSessionId = clientSession,
        Project = _project,
        RequestId = _project + "-" + id,
    };
}
