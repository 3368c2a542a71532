// One native command run through a Tokentap proxy of its own, as Invoke-TokentapCommand hands it to the caller to run.
namespace Tokentap;

/// <summary>The run's session, App and proxy, and the variables the child must get.</summary>
public sealed record CommandRun(string Session, string App, string ProxyUrl, IReadOnlyList<TokentapEnvironmentVariable> Environment);
