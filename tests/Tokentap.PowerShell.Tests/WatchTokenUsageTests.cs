// Watch-TokenUsage in the hosted runspace: -Once snapshots with exact numbers from events another process stored,
// one snapshot per change when piped, Ctrl+C (Stop) ending the stream, and the pinned parameter surface.
using System.Diagnostics;
using System.Management.Automation;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class WatchTokenUsageTests(ModuleFixture module) : IDisposable
{
    private readonly string _project = "/watch-tests/" + Guid.NewGuid().ToString("N");
    private readonly string _dir = Directory.CreateTempSubdirectory("tt-watch-").FullName;
    private readonly DateTime _now = DateTime.UtcNow;

    private string Database => Path.Combine(module.Home, "usage.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Once_returns_one_snapshot_with_exact_numbers()
    {
        TestPrograms.Seed(Database, Events());

        var snapshot = module.Run("Watch-TokenUsage -Once -Window 1h -Last 3 -Project $args[0]", _project).Single<TokenUsageSnapshot>();

        Assert.Equal(TokenUsageWindow.LastHour, snapshot.Window);
        Assert.Equal(4, snapshot.Requests);
        Assert.Equal(1, snapshot.Errors);
        Assert.Equal((2150L, 22000L, 900L, 1500L), (snapshot.InputTokens, snapshot.CacheReadTokens, snapshot.CacheWriteTokens, snapshot.OutputTokens));
        Assert.Equal(0.1000m, snapshot.Cost);
        Assert.Equal(0.25, snapshot.ErrorRate);
        Assert.Equal(22000.0 / 25050, snapshot.CacheHitRatio);
        Assert.Equal(0.08m, snapshot.CostPerHour);
        Assert.Equal(3700 / 15.0, snapshot.TokensPerMinute, 9);
        Assert.Equal(60, snapshot.Series.Count);
        Assert.Equal(0.1000m, snapshot.Series.Sum(p => p.Cost));
        Assert.Equal(["claude-sonnet-4-5", "gpt-5", "claude-haiku-4-5"], snapshot.Models.Select(m => m.Model));
        Assert.Equal(0.08m, snapshot.Models[0].Cost);
        Assert.Equal(0.8, snapshot.Models[0].CostShare, 12);
        Assert.Equal(["w-4", "w-3", "w-2"], snapshot.RecentRequests.Select(e => e.RequestId![(_project.Length + 1)..]));
        Assert.Equal(["run-1", "cs-1"], snapshot.Contexts.Select(c => c.Session));
        Assert.Equal((12050L, (long?)200_000), (snapshot.Contexts[1].ContextTokens, snapshot.Contexts[1].ContextWindow));
        Assert.Equal([("5h", 0.42), ("7d", 0.11)], snapshot.Limits.Select(l => (l.Name, l.Utilization)));
        var failedAt = _now.AddMinutes(-5).ToLocalTime().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"1 failed request (25%); last {failedAt} claude-code 429: rate limited"], snapshot.Warnings);
    }

    [Fact]
    public void Filters_and_since_narrow_the_snapshot()
    {
        TestPrograms.Seed(Database, Events());

        var codex = module.Run("Watch-TokenUsage -Once -Window 1h -App codex -Project $args[0]", _project).Single<TokenUsageSnapshot>();
        var since = _now.AddMinutes(-30);
        var recent = module.Run("Watch-TokenUsage -Once -Since $args[1] -Project $args[0]", _project, since).Single<TokenUsageSnapshot>();
        var sonnet = module.Run("Watch-TokenUsage -Once -Window 7d -Model claude-s* -Provider anthrop* -Project $args[0]", _project).Single<TokenUsageSnapshot>();

        Assert.Equal((1L, 0.02m), (codex.Requests, codex.Cost));
        Assert.Equal(TokenUsageWindow.LastHour, recent.Window);
        Assert.Equal(since, recent.WindowStart);
        Assert.Equal((3L, 0.05m), (recent.Requests, recent.Cost));
        Assert.Equal((3L, 1.08m), (sonnet.Requests, sonnet.Cost));
    }

    [Fact]
    public void Piped_output_gets_one_snapshot_per_change_until_stopped()
    {
        TestPrograms.Seed(Database, Events());
        var log = Path.Combine(_dir, "requests.txt");
        var shell = module.Begin(
            $"Watch-TokenUsage -Window 1h -RefreshSeconds 0.5 -Project '{_project}' | ForEach-Object {{ [IO.File]::AppendAllText('{log}', \"$($_.Requests)`n\") }}",
            out var pending);
        try
        {
            WaitFor(() => Lines(log).Length == 1);
            Assert.Equal(["4"], Lines(log));

            // Nothing changes for a while: nothing more is written.
            Thread.Sleep(1500);
            Assert.Equal(["4"], Lines(log));

            TestPrograms.Seed(Database, [Event("w-6", 0, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 10, 0, 0, 10, 0.01m)]);
            WaitFor(() => Lines(log).Length == 2);
            Assert.Equal(["4", "5"], Lines(log));

            shell.Stop();
            Assert.True(pending.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
        finally
        {
            shell.Dispose();
        }
    }

    [Fact]
    public void A_downstream_command_that_has_enough_ends_the_stream()
    {
        TestPrograms.Seed(Database, Events());
        var watch = Stopwatch.StartNew();

        var result = module.Run("Watch-TokenUsage -Window 1h -Project $args[0] | ForEach-Object { $_.Requests; break }", _project);

        Assert.Equal([4L], result.ThrowIfFailed().Objects<long>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parameters_are_pinned()
    {
        var parameters = module.Run("(Get-Command Watch-TokenUsage).Parameters.Keys").ThrowIfFailed().Output
            .Select(o => (string)o.BaseObject)
            .Where(p => p is not ("Verbose" or "Debug" or "ErrorAction" or "WarningAction" or "InformationAction" or "ProgressAction"
                or "ErrorVariable" or "WarningVariable" or "InformationVariable" or "OutVariable" or "OutBuffer" or "PipelineVariable"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["App", "Demo", "Last", "Model", "Once", "Project", "Provider", "RefreshSeconds", "Session", "Since", "Source", "Status", "Theme", "Until", "Window"], parameters);
        var output = module.Run("(Get-Command Watch-TokenUsage).OutputType.Name").Single<string>();
        Assert.Equal("Tokentap.TokenUsageSnapshot", output);
    }

    [Fact]
    public void An_unknown_window_is_refused_by_parameter_validation()
    {
        var result = module.Run("Watch-TokenUsage -Once -Window 2w");

        Assert.StartsWith("ParameterArgumentValidationError,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_theme_is_refused_by_parameter_validation()
    {
        var result = module.Run("Watch-TokenUsage -Once -Theme purple");

        Assert.StartsWith("ParameterArgumentValidationError,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    /// <summary>Four events in the last hour of this test's project, one from three hours ago and one two days ago.</summary>
    private UsageEvent[] Events() =>
    [
        Event("w-1", -50, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 100, 9000, 900, 500, 0.05m, limits: (0.40, 0.10)),
        Event("w-2", -20, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-1", null, 50, 12000, 0, 300, 0.03m, limits: (0.42, 0.11)),
        Event("w-3", -10, "openai", "gpt-5", "codex", null, "run-1", 2000, 1000, 0, 700, 0.02m),
        Event("w-4", -5, "anthropic", "claude-haiku-4-5", "claude-code", "cs-2", null, 0, 0, 0, 0, 0m, status: 429, error: "rate limited"),
        Event("w-5", -180, "anthropic", "claude-sonnet-4-5", "claude-code", "cs-0", null, 1, 0, 0, 1, 1.00m),
        Event("w-7", -2 * 24 * 60, "openai", "gpt-5", "codex", null, "run-0", 1, 0, 0, 1, 2.00m),
    ];

    private UsageEvent Event(
        string id, double minutes, string provider, string model, string app, string? clientSession, string? session,
        long input, long cacheRead, long cacheWrite, long output, decimal? cost, int status = 200, string? error = null,
        (double FiveHour, double SevenDay)? limits = null) => new()
        {
            Timestamp = _now.AddMinutes(minutes),
            Provider = provider,
            Host = provider + ".example",
            Endpoint = "messages",
            Model = model,
            InputTokens = input,
            CacheReadTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = output,
            Cost = cost,
            StatusCode = status,
            Error = error,
            DurationMs = 1200,
            App = app,
            ClientSessionId = clientSession,
            Session = session,
            Project = _project,
            RequestId = _project + "-" + id,
            RateLimits = limits is { } l
                ? new RateLimitSnapshot
                {
                    Unified5hUtilization = l.FiveHour,
                    Unified5hReset = _now.AddHours(3),
                    Unified5hStatus = "allowed",
                    Unified7dUtilization = l.SevenDay,
                    Unified7dReset = _now.AddDays(4),
                    Unified7dStatus = "allowed",
                }
                : null,
        };

    private static string[] Lines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "timed out");
            Thread.Sleep(50);
        }
    }
}
