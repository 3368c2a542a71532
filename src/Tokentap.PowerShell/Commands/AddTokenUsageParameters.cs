// The parameters of Add-TokenUsage (bound by name from piped objects such as Import-Csv rows) and the event they make.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

/// <summary>Add-TokenUsage's parameter surface, kept apart from its processing.</summary>
public abstract class AddTokenUsageParameters : TokentapCmdlet
{
    private protected const long MaxTokens = 100_000_000;

    /// <summary>When the call (or the billed period) happened; local unless the value says UTC.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Date", "Time")]
    public DateTime Timestamp { get; set; }

    /// <summary>The model billed.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = "";

    /// <summary>Uncached input tokens.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, MaxTokens)]
    public long InputTokens { get; set; }

    /// <summary>Output tokens, reasoning included.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, MaxTokens)]
    public long OutputTokens { get; set; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, MaxTokens)]
    public long CacheReadTokens { get; set; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, MaxTokens)]
    public long CacheWriteTokens { get; set; }

    /// <summary>The reasoning part of the output tokens.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, MaxTokens)]
    public long ReasoningTokens { get; set; }

    /// <summary>The cost in US dollars; priced from the price table when left out (or an empty CSV cell).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [EmptyAsNull]
    public decimal? Cost { get; set; }

    /// <summary>Provider (anthropic, openai, google, ...); helps pricing.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Provider { get; set; }

    /// <summary>The application the usage was for.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? App { get; set; }

    /// <summary>The project the usage was for.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Project { get; set; }

    /// <summary>A conversation id, for summaries by conversation.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ConversationId { get; set; }

    /// <summary>The provider's request id; an entry with a request or message id the proxy captured is not added.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? RequestId { get; set; }

    /// <summary>The provider's message or response id.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? MessageId { get; set; }

    /// <summary>The event the bound parameters describe (UTC timestamp, status 200).</summary>
    private protected UsageEvent ToEvent() => new()
    {
        Timestamp = Timestamp.Kind == DateTimeKind.Utc ? Timestamp : Timestamp.ToUniversalTime(),
        Provider = Provider ?? "",
        Model = Model,
        RequestModel = Model,
        App = App,
        Project = Project,
        ConversationId = ConversationId,
        RequestId = RequestId,
        MessageId = MessageId,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        CacheReadTokens = CacheReadTokens,
        CacheWriteTokens = CacheWriteTokens,
        ReasoningTokens = ReasoningTokens,
        Cost = Cost,
        StatusCode = 200,
    };

    /// <summary>True under -WhatIf (or $WhatIfPreference): the command then counts without writing.</summary>
    private protected bool WhatIfMode() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
            ? bound is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
}
