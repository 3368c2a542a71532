// The seam content capture hangs on: the observer asks it, per billed exchange, for a content exchange (or none).
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Set on the <see cref="UsageObserver"/> only while content capture is on; when it is null (the default) the observer
/// does exactly what it does without capture. <see cref="Begin"/> runs on the proxy path and must be quick.
/// </summary>
internal interface IContentCapture
{
    /// <summary>A content exchange for this billed request, or null to capture nothing of it.</summary>
    IContentExchange? Begin(ApiRoute route, ExchangeRequest request);
}
