// The ways Get-TokenUsageSummary can group usage: time buckets, billing blocks and the event's labels.
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

    /// <summary>The week in the summary's time zone, starting on the summary's first day of the week.</summary>
    Week,

    /// <summary>The calendar month in the summary's time zone.</summary>
    Month,

    /// <summary>The agent's own session id (<see cref="UsageEvent.ClientSessionId"/>, else the conversation its log names).</summary>
    ClientSession,

    /// <summary>
    /// Five-hour billing blocks as ccusage reports them: a block starts at its first request's UTC hour and lasts five
    /// hours; a request after the block's end, or more than five hours after the previous one, starts the next block.
    /// </summary>
    Block,
}
