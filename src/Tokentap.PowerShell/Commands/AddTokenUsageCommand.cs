// Add-TokenUsage: usage entered by hand or by script (a bill, another tool's export), stored as Source Manual.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Add, "TokenUsage", SupportsShouldProcess = true)]
[OutputType(typeof(TokenUsageImportReport))]
public sealed class AddTokenUsageCommand : AddTokenUsageParameters
{
    private readonly List<UsageEvent> _events = [];

    protected override void ProcessRecord()
    {
        if (ReasoningTokens > OutputTokens)
        {
            WriteError(new ArgumentException($"ReasoningTokens ({ReasoningTokens}) cannot exceed OutputTokens ({OutputTokens}): reasoning is part of the output."), "ReasoningExceedsOutput", ErrorCategory.InvalidArgument, Model);
            return;
        }

        if (Cost is < 0 or > 1_000_000)
        {
            WriteError(new ArgumentOutOfRangeException(nameof(Cost), Cost, "Cost must be from 0 to 1,000,000 dollars."), "CostOutOfRange", ErrorCategory.InvalidArgument, Cost);
            return;
        }

        var usageEvent = ToEvent();
        if (usageEvent.Timestamp > DateTime.UtcNow.AddDays(1))
        {
            WriteError(new ArgumentException($"Timestamp {Timestamp:O} is in the future."), "TimestampInFuture", ErrorCategory.InvalidArgument, Timestamp);
            return;
        }

        _events.Add(usageEvent);
    }

    protected override void EndProcessing()
    {
        if (_events.Count == 0)
        {
            return;
        }

        var engine = Engine;
        var whatIf = !ShouldProcess(engine.Home, _events.Count == 1 ? "Add 1 usage entry" : $"Add {_events.Count:N0} usage entries");
        if (whatIf && !WhatIfMode())
        {
            return;
        }

        try
        {
            WriteObject(engine.AddUsage(_events, whatIf));
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }

        WriteEngineNotices();
    }
}
