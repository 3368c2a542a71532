// An open retry loop as the Block action holds it: how many identical requests, from when to when.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// One fingerprint's open retry loop: <paramref name="Count"/> requests (refused ones included) started between
/// <paramref name="Start"/> and <paramref name="Last"/> (UTC).
/// </summary>
internal sealed record RetryLoopHold(int Count, DateTime Start, DateTime Last);
