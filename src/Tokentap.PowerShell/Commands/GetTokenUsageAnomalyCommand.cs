// Get-TokenUsageAnomaly: cache breaks, retry loops, token spikes and error bursts found in the stored usage.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokenUsageAnomaly")]
[OutputType(typeof(TokenUsageAnomaly))]
public sealed class GetTokenUsageAnomalyCommand : UsageFilterCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Only these kinds of anomaly.</summary>
    [Parameter]
    public TokenUsageAnomalyKind[]? Kind { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        CatchUpWithThisProcess();
        var engine = Engine;
        try
        {
            foreach (var anomaly in engine.FindAnomalies(filter, Kind, _stop.Token))
            {
                WriteObject(anomaly);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();
}
