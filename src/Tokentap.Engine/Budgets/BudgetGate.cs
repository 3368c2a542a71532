// The request gate of the budgets: refuses billed requests in the scope of a spent Block budget, in the provider's format.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// Non-billed requests (count_tokens, model lists, Claude Code's policy and settings calls) always pass: only a request
/// the usage observer would record (see <see cref="ApiRouter"/>) is checked, with the labels its event would carry.
/// </summary>
internal sealed class BudgetGate(BudgetMonitor monitor) : IRequestGate
{
    /// <summary>Only a project label comes from the client process, and only when the listener was not given one.</summary>
    public bool NeedsClientProcess(ExchangeRequest request) =>
        monitor.HasProjectBlockBudgets && (request.Tags ?? ExchangeTags.None).Project is null;

    public GateRefusal? Check(ExchangeRequest request)
    {
        if (!monitor.HasBlockBudgets)
        {
            return null;
        }

        var route = ApiRouter.Route(request.Host, request.Method, request.PathAndQuery, request.IsWebSocketUpgrade, request.DeclaredFormat);
        if (route is null)
        {
            return null;
        }

        var model = request.IsWebSocketUpgrade ? route.UrlModel : RequestModel.Read(request.Body.Span) ?? route.UrlModel;
        var tags = request.Tags ?? ExchangeTags.None;
        var app = tags.App ?? AppIdentifier.Identify(request.Headers).App;
        var labels = new RequestLabels(route.Provider, model, app, tags.Session, tags.Project ?? request.Client?.Project);
        var hit = monitor.FindSpentBlockBudget(labels);
        return hit is null ? null : BudgetRefusal.Create(route.Format, hit, request.IsWebSocketUpgrade);
    }
}
