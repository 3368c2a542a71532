// Assert-TokenUsage: a CI guardrail; fails (a terminating error, so pwsh -c exits non-zero) when usage is over its limits.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsLifecycle.Assert, "TokenUsage")]
[OutputType(typeof(TokenUsageAssertion))]
public sealed class AssertTokenUsageCommand : UsageFilterCmdlet, IDisposable
{
    private const string TokenUsageAssertionFailed = nameof(TokenUsageAssertionFailed);
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The most the selected requests may cost, in US dollars.</summary>
    [Parameter]
    [ValidateRange(0, double.MaxValue)]
    public decimal? MaxCost { get; set; }

    /// <summary>The highest share of failed requests, 0 to 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? MaxErrorRate { get; set; }

    /// <summary>The most requests.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? MaxRequests { get; set; }

    /// <summary>The most tokens (input, cache reads and writes, output).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? MaxTokens { get; set; }

    /// <summary>Anomaly kinds that must not occur.</summary>
    [Parameter]
    public TokenUsageAnomalyKind[]? NoAnomaly { get; set; }

    /// <summary>Write the figures (a TokenUsageAssertion) whether the checks pass or fail.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var filter = BuildFilter();
        CatchUpWithThisProcess();
        var limits = new TokenUsageLimits { MaxCost = MaxCost, MaxErrorRate = MaxErrorRate, MaxRequests = MaxRequests, MaxTokens = MaxTokens, NoAnomaly = NoAnomaly ?? [] };
        TokenUsageAssertion result;
        try
        {
            result = Engine.AssertUsage(filter, limits, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
            return;
        }

        if (result.Requests == 0)
        {
            WriteWarning("No requests match the filters, so nothing was checked. Is the agent's traffic going through Tokentap?");
        }

        WriteObject(PassThru ? new[] { result } : Array.Empty<TokenUsageAssertion>(), enumerateCollection: true);

        WriteEngineNotices();
        if (!result.Passed)
        {
            ThrowTerminating(new InvalidOperationException("Token usage is over its limits:" + string.Concat(result.Failures.Select(f => Environment.NewLine + "  " + f))), TokenUsageAssertionFailed, ErrorCategory.LimitsExceeded, result);
        }
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();
}
