// Watch-TokenUsage: the live full-screen view of LLM spend, or typed snapshots when output goes to a script.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Watch, "TokenUsage")]
[OutputType(typeof(TokenUsageSnapshot))]
public sealed class WatchTokenUsageCommand : UsageFilterCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The window the totals cover: 5m, 15m, 1h, today, 24h, 7d, 30d or all.</summary>
    [Parameter]
    [ValidateSet("5m", "15m", "1h", "today", "24h", "7d", "30d", "all", IgnoreCase = true)]
    public string? Window { get; set; }

    /// <summary>How many of the newest requests each snapshot lists.</summary>
    [Parameter]
    [ValidateRange(0, TokentapEngine.MaxRecentRequests)]
    public int Last { get; set; } = 30;

    /// <summary>Seconds between reads of the store.</summary>
    [Parameter]
    [ValidateRange(0.5, 3600.0)]
    public double RefreshSeconds { get; set; } = 0.5;

    /// <summary>The screen's colours: default, light, high-contrast or no-color (else $env:TOKENTAP_THEME).</summary>
    [Parameter]
    [ValidateSet("default", "light", "high-contrast", "no-color", IgnoreCase = true)]
    public string? Theme { get; set; }

    /// <summary>Emit one snapshot and return, without drawing.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Watch demo data: the running demo mode's, else a demo (Heavy) started for as long as this watch runs.</summary>
    [Parameter]
    public SwitchParameter Demo { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        var interval = TimeSpan.FromSeconds(RefreshSeconds);
        using var demo = Demo && !Engine.DemoRunning ? DemoModeCmdlet.OpenDemo(this) : null;
        var engine = demo ?? Engine;
        if (DrawsOnScreen())
        {
            WriteVerbose("Drawing the live view; ? shows the keys, q quits.");
            engine.RunLiveView(filter, Window, Last, interval, Theme, _stop.Token);
            return;
        }

        try
        {
            // A downstream Select-Object -First or break stops this loop through WriteObject.
            foreach (var snapshot in engine.WatchSnapshots(filter, Window, Last, interval, Once, WriteFailure, _stop.Token))
            {
                WriteObject(snapshot);
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }
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
}
