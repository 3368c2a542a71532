// Where one request goes: the real upstream (before any override), how it arrived, and whether it is observed.
namespace Tokentap.Engine.Proxy;

/// <summary>The resolved destination of a request.</summary>
internal sealed record ExchangeTarget(string Scheme, string Host, int Port, string PathAndQuery, ProxyRoute Route, bool Observed)
{
    /// <summary>host:port as people write it, for messages.</summary>
    public string Authority => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
