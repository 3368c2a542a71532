// The order query results come in.
namespace Tokentap.Engine.Usage;

/// <summary>Order of events by timestamp (ties keep the order they were stored in).</summary>
public enum UsageOrder
{
    /// <summary>Most recent first.</summary>
    NewestFirst,

    /// <summary>Oldest first.</summary>
    OldestFirst,
}
