// The outcome filter of usage queries: succeeded, failed, or blocked by Tokentap.
namespace Tokentap;

/// <summary>Whether an exchange succeeded, as <see cref="UsageEvent.IsSuccess"/> defines it.</summary>
public enum UsageStatus
{
    /// <summary>2xx or a WebSocket upgrade, and no error.</summary>
    Success,

    /// <summary>Anything else: an HTTP error, no response, or usage that could not be read completely.</summary>
    Error,

    /// <summary>Refused by Tokentap itself before it reached the provider (<see cref="UsageEvent.Blocked"/>); these are also errors.</summary>
    Blocked,
}
