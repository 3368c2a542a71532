// The conversation link an agent's log gives a call the proxy captured live: conversation id, turn number, turn start.
namespace Tokentap.Engine.Usage;

/// <summary>
/// What an import writes onto a stored live event (found by its id and UTC ticks): only these three fields; the
/// event's figures, ids and position stay as the proxy recorded them.
/// </summary>
internal readonly record struct UsageLink(Guid EventId, long Ticks, string ConversationId, int? TurnIndex, DateTime? TurnStart)
{
    /// <summary>The link the logged call gives the live one, or null when the log names no conversation or it is already there.</summary>
    public static UsageLink? Between(UsageEvent live, UsageEvent logged)
    {
        if (string.IsNullOrEmpty(logged.ConversationId))
        {
            return null;
        }

        var turnStart = logged.TurnStart is { } start ? new DateTime(UsageKeys.UtcTicks(start), DateTimeKind.Utc) : (DateTime?)null;
        var link = new UsageLink(live.Id, UsageKeys.UtcTicks(live.Timestamp), logged.ConversationId, logged.TurnIndex, turnStart);
        return link.Changes(live) ? link : null;
    }

    /// <summary>Whether the event does not carry this link yet.</summary>
    public bool Changes(UsageEvent e) =>
        !string.Equals(e.ConversationId, ConversationId, StringComparison.Ordinal)
        || e.TurnIndex != TurnIndex
        || (e.TurnStart is { } start ? UsageKeys.UtcTicks(start) : (long?)null) != TurnStart?.Ticks;

    /// <summary>Sets the three fields on the event; false when it already had them.</summary>
    public bool ApplyTo(UsageEvent e)
    {
        if (!Changes(e))
        {
            return false;
        }

        e.ConversationId = ConversationId;
        e.TurnIndex = TurnIndex;
        e.TurnStart = TurnStart;
        return true;
    }
}
