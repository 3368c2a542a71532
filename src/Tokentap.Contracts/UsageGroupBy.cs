// The ways Get-TokenUsageSummary can group usage: time buckets and the event's labels.
namespace Tokentap;

/// <summary>A dimension usage summaries are grouped by. Several can be combined.</summary>
public enum UsageGroupBy
{
    /// <summary>The calendar day in the summary's time zone (local by default).</summary>
    Day,

    /// <summary>The clock hour in the summary's time zone.</summary>
    Hour,

    /// <summary>The model the response reported.</summary>
    Model,

    /// <summary>The provider family (anthropic, openai, google, ...).</summary>
    Provider,

    /// <summary>The calling application (claude-code, codex, curl, ...).</summary>
    App,

    /// <summary>The Tokentap session.</summary>
    Session,

    /// <summary>The project the calls were made for.</summary>
    Project,

    /// <summary>The agent conversation (<see cref="UsageEvent.ConversationId"/>): which conversation cost most.</summary>
    Conversation,

    /// <summary>The user turn within its conversation (conversation, turn number and start): which prompt cost most.</summary>
    Turn,
}
