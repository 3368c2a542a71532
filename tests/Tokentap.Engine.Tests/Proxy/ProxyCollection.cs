// The proxy integration tests share one environment and run one after another (real sockets on a 2-core machine).
namespace Tokentap.Engine.Tests.Proxy;

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyTestEnvironment>
{
    public const string Name = "Proxy";
}
