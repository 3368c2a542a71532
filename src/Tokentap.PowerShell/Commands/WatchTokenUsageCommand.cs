// Watch-TokenUsage: the live full-screen view of LLM spend, or typed snapshots when output goes to a script.
using System.Management.Automation;
using Tokentap.Engine.Live;
using Tokentap.Engine.Usage;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Watch, "TokenUsage")]
[OutputType(typeof(TokenUsageSnapshot))]
public sealed class WatchTokenUsageCommand : TokentapCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Only events at or after this time (local unless the DateTime says UTC).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Provider names (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [SupportsWildcards]
    public string[]? Provider { get; set; }

    /// <summary>Model names (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [SupportsWildcards]
    public string[]? Model { get; set; }

    /// <summary>Calling applications (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AppCompleter))]
    [SupportsWildcards]
    public string[]? App { get; set; }

    /// <summary>Tokentap session names (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SessionCompleter))]
    [SupportsWildcards]
    public string[]? Session { get; set; }

    /// <summary>Projects (wildcards allowed).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [SupportsWildcards]
    public string[]? Project { get; set; }

    /// <summary>The window the totals cover: 15m, 1h, today, 7d or 30d.</summary>
    [Parameter]
    [ValidateSet("15m", "1h", "today", "7d", "30d", IgnoreCase = true)]
    public string? Window { get; set; }

    /// <summary>How many of the newest requests each snapshot lists.</summary>
    [Parameter]
    [ValidateRange(0, SnapshotOptions.MaxRecentRequests)]
    public int Last { get; set; } = 30;

    /// <summary>Seconds between reads of the store.</summary>
    [Parameter]
    [ValidateRange(0.5, 3600.0)]
    public double RefreshSeconds { get; set; } = 0.5;

    /// <summary>Emit one snapshot and return, without drawing.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    protected override void EndProcessing()
    {
        var runtime = ModuleState.Runtime;
        var filter = new UsageFilter { Since = Since, Provider = Provider, Model = Model, App = App, Session = Session, Project = Project };
        var window = Window is { } name ? LiveWindows.Parse(name)
            : Since is { } since ? LiveWindows.Covering(since, DateTime.UtcNow, TimeZoneInfo.Local)
            : TokenUsageWindow.Today;
        var builder = new SnapshotBuilder(runtime.Store, runtime.Prices, runtime.Paths, new SnapshotOptions { Filter = filter, Window = window, RecentRequests = Last, Budgets = runtime.Budgets.LiveGauges });
        var interval = TimeSpan.FromSeconds(RefreshSeconds);
        if (DrawsOnScreen())
        {
            WriteVerbose("Drawing the live view; q or Esc quits, t cycles the window, p pauses.");
            var options = new LiveViewOptions { RefreshInterval = interval, FilterText = FilterText.Describe(filter, TimeZoneInfo.Local) };
            LiveView.RunOnTerminal(builder, options, _stop.Token);
            return;
        }

        EmitSnapshots(builder, interval);
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    /// <summary>
    /// The screen is drawn only for a person at a terminal: not with -Once, not when stdin or stdout is redirected, not
    /// on a dumb terminal, and not when another command reads this one's output.
    /// </summary>
    private bool DrawsOnScreen() =>
        !Once && !Console.IsOutputRedirected && !Console.IsInputRedirected
        && Environment.GetEnvironmentVariable("TERM") != "dumb"
        && MyInvocation.PipelinePosition == MyInvocation.PipelineLength;

    /// <summary>One snapshot now, then (without -Once) one each time what it shows changed, until Ctrl+C.</summary>
    private void EmitSnapshots(SnapshotBuilder builder, TimeSpan interval)
    {
        string? lastFailure = null;
        for (var first = true; first || !_stop.Token.WaitHandle.WaitOne(interval); first = false)
        {
            bool changed;
            try
            {
                changed = builder.Refresh(_stop.Token);
                lastFailure = null;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (first)
            {
                ThrowTerminating(ex, "StoreReadFailed", ErrorCategory.ReadError, ModuleState.Runtime.Paths.DatabasePath);
                return;
            }
            catch (Exception ex)
            {
                // Keep watching through a busy or briefly unavailable store; say so once per distinct failure.
                if (ex.Message != lastFailure)
                {
                    WriteError(ex, "StoreReadFailed", ErrorCategory.ReadError, ModuleState.Runtime.Paths.DatabasePath);
                    lastFailure = ex.Message;
                }

                continue;
            }

            // Outside the try: a downstream Select-Object -First or break stops this loop through WriteObject.
            if (changed || first)
            {
                WriteObject(builder.Snapshot);
            }

            if (Once)
            {
                return;
            }
        }
    }
}
