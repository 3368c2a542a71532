// The seam between the proxy and whatever watches its traffic (the provider parsers): the proxy knows no providers.
namespace Tokentap.Engine.Proxy;

/// <summary>
/// Watches exchanges on intercepted hosts. <see cref="BeginExchange"/> runs on the proxy path after the request
/// head and body were read and before they are forwarded, so it must be quick; it may rewrite the request body.
/// The proxy catches and records anything it throws; a throwing observer never breaks the exchange.
/// </summary>
public interface IExchangeObserver
{
    /// <summary>Returns a tap that receives this exchange's response, or null to leave it unobserved.</summary>
    IExchangeTap? BeginExchange(ExchangeRequest request);
}
