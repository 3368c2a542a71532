// One recorded failure, for the short list Get-Tokentap shows.
namespace Tokentap.Engine.Proxy;

/// <summary>A failure the proxy recorded: when, what kind, and a one-line message.</summary>
public sealed record ProxyFailure(DateTimeOffset TimeUtc, ProxyFailureKind Kind, string Message);
