// The one engine surface the module uses: use-case methods that take and return contract types (Tokentap.Contracts).
using Tokentap.Engine.Session;

namespace Tokentap.Engine.Facade;

/// <summary>
/// The engine for one data folder in one process. Each capability adds its use cases in its own partial file
/// (TokentapEngine.Budgets.cs, TokentapEngine.History.cs, ...); the module calls nothing else in the engine.
/// </summary>
public sealed partial class TokentapEngine : IDisposable
{
    public TokentapEngine(TokentapPaths paths)
    {
        Runtime = new TokentapRuntime(paths);
    }

    /// <summary>The data folder this engine serves.</summary>
    public string Home => Runtime.Paths.Home;

    /// <summary>The runtime behind the facade. Transitional: the module stops reaching it once every use case is here.</summary>
    public TokentapRuntime Runtime { get; }

    public void Dispose() => Runtime.Dispose();
}
