// One environment variable that Start-Tokentap sets for the session.
namespace Tokentap;

/// <summary>An environment variable Tokentap sets so that clients use the proxy and trust its certificate.</summary>
public sealed record TokentapEnvironmentVariable(string Name, string Value, string Purpose);
