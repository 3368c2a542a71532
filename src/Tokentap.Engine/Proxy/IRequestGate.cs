// The seam that lets a request be refused before it is forwarded (budgets, retry-loop guards): the proxy knows none of them.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// Decides whether an observed request may go upstream. The proxy asks every gate in <see cref="ProxyOptions.Gates"/>
/// in order, after the request was read and the observer saw it and before the upstream call; the first refusal wins
/// and is written to the client as it is, and nothing is sent upstream. <see cref="Check"/> runs on the proxy path for
/// every observed request, so it must be quick and must not do I/O. A gate that throws lets the request pass; the
/// proxy records the failure.
/// </summary>
public interface IRequestGate
{
    /// <summary>Returns null to let the request pass, or the response to answer it with instead.</summary>
    GateRefusal? Check(ExchangeRequest request);

    /// <summary>
    /// True when <see cref="Check"/> reads <see cref="ExchangeRequest.Client"/> for this request: the proxy then waits
    /// for the client-process lookup (started when the connection came in) before asking. Otherwise the request is
    /// forwarded without waiting and <see cref="ExchangeRequest.Client"/> may still be null in <see cref="Check"/>.
    /// A gate that does not say is waited for.
    /// </summary>
    bool NeedsClientProcess(ExchangeRequest request) => true;
}
