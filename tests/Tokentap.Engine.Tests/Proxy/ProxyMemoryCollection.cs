// Memory-measuring proxy tests run alone, after the parallel ones, so no other test's allocations blur their numbers.
namespace Tokentap.Engine.Tests.Proxy;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProxyMemoryCollection : ICollectionFixture<ProxyTestEnvironment>
{
    public const string Name = "ProxyMemory";
}
