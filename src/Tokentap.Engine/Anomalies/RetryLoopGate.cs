// The Block action of retry loops: refuses a billed request identical to one of an open retry loop, before it is sent.
using System.Globalization;
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Anomalies;

/// <summary>
/// With "retryLoop": { "action": "Block" } in anomalies.json, a billed request whose fingerprint (method, path and the
/// body as the client sent it, as the usage tap computes it) is that of a retry loop the live monitor holds open is
/// answered in the provider's error format (<see cref="ProviderErrorAnswer"/>: a status the real clients do not retry)
/// and is not forwarded. Costs nothing while no loop is open; otherwise one SHA-256 of the body per billed request.
/// WebSocket turns (Codex) are inside one upgrade and are not refused one by one.
/// </summary>
internal sealed class RetryLoopGate(AnomalyMonitor monitor, string settingsPath) : IRequestGate
{
    /// <summary>A loop is told by the request's fingerprint alone: the request never waits for its client process.</summary>
    public bool NeedsClientProcess(ExchangeRequest request) => false;

    public GateRefusal? Check(ExchangeRequest request)
    {
        if (monitor.Settings.RetryLoopAction != AnomalyAction.Block || !monitor.HoldsRetryLoops || request.IsWebSocketUpgrade)
        {
            return null;
        }

        var route = ApiRouter.Route(request.Host, request.Method, request.PathAndQuery, request.IsWebSocketUpgrade, request.DeclaredFormat);
        if (route is null)
        {
            return null;
        }

        var fingerprint = RequestFingerprint.Compute(request.Method, request.PathAndQuery, request.ReceivedBody.Span);
        if (monitor.HeldRetryLoop(fingerprint, DateTime.UtcNow) is not { } loop)
        {
            return null;
        }

        var settings = monitor.Settings;
        var window = settings.RetryLoopWindow.TotalSeconds;
        var message = string.Format(
            CultureInfo.InvariantCulture,
            "Tokentap stopped a retry loop: this request was sent {0} times unchanged in {1:0.#} s (a loop is {2} identical requests within {3:0.#} s), so it was not sent again. "
            + "It is refused until it has not been sent for {3:0.#} s. To turn this off, set \"retryLoop\": {{ \"action\": \"Warn\" }} in {4} and restart Tokentap (Stop-Tokentap; Start-Tokentap).",
            loop.Count, (loop.Last - loop.Start).TotalSeconds, settings.RetryLoopCount, window, settingsPath);
        var reason = string.Format(
            CultureInfo.InvariantCulture, "retry loop ({0} identical requests in {1:0.#} s; request fingerprint {2})", loop.Count, (loop.Last - loop.Start).TotalSeconds, fingerprint[..12]);
        return ProviderErrorAnswer.Create(route.Format, message, "retry_loop", webSocketUpgrade: false, new("x-tokentap-anomaly", "RetryLoop"), reason);
    }
}
